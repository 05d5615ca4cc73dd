"""`--index sqlite:` URLs mean what README says: three slashes an absolute path, two slashes
a path relative to the current directory; messages name the absolute file."""
from __future__ import annotations

import os


def test_three_slashes_name_an_absolute_path(cli, web_index_path):
    url = f"sqlite://{web_index_path}"  # web_index_path is absolute: sqlite:///tmp/...
    assert url.startswith("sqlite:///")
    result = cli("--index", url, "search", "--json", "--limit", "1")
    assert result.code == 0, result.err
    assert result.json()["total"] > 0


def test_two_slashes_name_a_path_relative_to_the_current_directory(cli, data_dir,
                                                                    web_index_path):
    relative = os.path.relpath(web_index_path, data_dir)  # the cli runs in data_dir
    assert not relative.startswith("/")
    result = cli("--index", f"sqlite://{relative}", "search", "--json", "--limit", "1")
    assert result.code == 0, result.err
    assert result.json()["total"] > 0


def test_a_missing_index_is_named_by_its_absolute_path(cli, data_dir):
    result = cli("--index", "sqlite://nowhere/index.db", "search", "scam")
    assert result.code == 1
    [line] = result.err.strip().splitlines()
    assert f"no index at {data_dir / 'nowhere' / 'index.db'} yet" in line
    assert not (data_dir / "nowhere").exists()  # a search never creates one


def test_tantivy_urls_take_the_same_two_forms(cli, data_dir, web_index_path):
    from indexer.base import open_index

    target = data_dir / "moved" / "index.tantivy"
    copied = cli("reindex", "--from", f"sqlite://{web_index_path}", "--to", f"tantivy://{target}")
    assert copied.code == 0, copied.err
    with open_index(f"sqlite://{web_index_path}") as source:
        expected = source.count()
    absolute = cli("--index", f"tantivy://{target}", "search", "--json", "--limit", "1")
    relative = cli("--index", "tantivy://moved/index.tantivy", "search", "--json", "--limit", "1")
    assert absolute.code == 0 and relative.code == 0, absolute.err + relative.err
    assert absolute.json()["total"] == relative.json()["total"] == expected > 0
    missing = cli("--index", "tantivy://nowhere/index.tantivy", "search", "scam")
    assert missing.code == 1 and str(data_dir / "nowhere" / "index.tantivy") in missing.err
    assert not (data_dir / "nowhere").exists()
