"""The source catalogue: what ships, how it is validated, merged and sharded."""
from __future__ import annotations

from collections import Counter

import pytest

from crawler.errors import CatalogueError, UnknownSource
from crawler.sources import (SOURCE_TYPES, load_sources, merge_sources, parse_catalogue,
                             parse_shard, read_catalogue, select, shard, shard_of)


def test_bundled_catalogue_covers_the_region_in_many_languages():
    sources = read_catalogue()
    enabled = [s for s in sources if s.enabled]
    assert len(enabled) >= 30
    langs = Counter(s.lang for s in enabled)
    assert len(langs) >= 5 and all(s.lang for s in sources)
    countries = {s.country for s in sources}
    assert {"MM", "TH", "KH", "LA", "PH", "MY", "ID", "CN", "VN"} <= countries
    assert len({s.name for s in sources}) == len(sources)
    assert {s.type for s in sources} >= {"feed", "sitemap", "listing", "search"}
    # News-search feeds in several languages, and institutions through listing rules.
    assert len({s.lang for s in sources if s.type == "search"}) >= 5
    names = {s.name for s in sources}
    assert {"unodc-press", "interpol-news", "ofac-recent-actions"} <= names
    for s in sources:
        if s.type == "listing":
            assert s.link_css or s.link_xpath, s.name


def entry(**fields):
    base = {"name": "ok-source", "type": "feed", "url": "https://example.org/feed.xml",
            "lang": "en", "country": "TH"}
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


@pytest.mark.parametrize("bad,words", [
    (entry(type="rss"), ["type must be one of", "'rss'"]),
    (entry(url="ftp://example.org/x"), ["url must be an absolute http(s) URL"]),
    (entry(url=None), ["missing required key 'url'"]),
    (entry(lang="English"), ["lang must be a 2- or 3-letter"]),
    (entry(country="Thailand"), ["country must be a 2-letter"]),
    (entry(interval_minutes=0), ["interval_minutes must be at least 1"]),
    (entry(interval_minutes="hourly"), ["interval_minutes must be a whole number"]),
    (entry(enabled="yes"), ["enabled must be true or false"]),
    (entry(urll="https://x.org/"), ["unknown key 'urll'"]),
    (entry(type="listing"), ["needs link_css or link_xpath"]),
    (entry(type="listing", link_css="a[href*="), ["link_css is not a valid CSS selector"]),
    (entry(type="listing", link_xpath="//a[@href"), ["link_xpath is not a valid XPath"]),
    (entry(link_css="a.story"), ["link_css only applies to listing sources"]),
    (entry(name="has space"), ["name must be letters"]),
])
def test_a_malformed_entry_is_one_line_naming_it(bad, words):
    data = {"sources": [entry(name="first"), bad]}
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(data, origin="my.toml")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("my.toml: source ")
    assert "(entry 2)" in message
    for word in words:
        assert word in message


def test_duplicate_names_and_a_table_that_is_not_one():
    with pytest.raises(CatalogueError, match=r"source 'dup' \(entry 2\): duplicate name"):
        parse_catalogue({"sources": [entry(name="dup"), entry(name="dup")]}, origin="c.toml")
    with pytest.raises(CatalogueError, match=r"source entry 1: must be a table"):
        parse_catalogue({"sources": ["https://example.org/feed"]}, origin="c.toml")


def test_a_broken_catalogue_file_is_one_line(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text("[[sources]]\nname = 'x'\ntype = \n", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        read_catalogue(path)
    assert "is not valid TOML" in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(CatalogueError, match="does not exist"):
        read_catalogue(tmp_path / "missing.toml")


def test_user_tables_override_by_name_and_add_sources():
    base = read_catalogue()
    merged = merge_sources(base, [{"name": "irrawaddy", "enabled": False},
                                  {"name": "my-blog", "type": "feed",
                                   "url": "https://blog.example.org/feed", "lang": "fr"}])
    by_name = {s.name: s for s in merged}
    assert by_name["irrawaddy"].enabled is False
    assert by_name["irrawaddy"].url == next(s.url for s in base if s.name == "irrawaddy")
    assert by_name["my-blog"].lang == "fr" and merged[-1].name == "my-blog"
    assert len(merged) == len(base) + 1
    with pytest.raises(CatalogueError, match=r"config: source 'irrawaddy' \(entry 1\): type"):
        merge_sources(base, [{"name": "irrawaddy", "type": "newsletter"}])
    with pytest.raises(CatalogueError, match="missing required key 'type'"):
        merge_sources(base, [{"name": "new-one", "url": "https://example.org/"}])


def test_load_sources_uses_the_default_interval(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text("[[sources]]\nname='a'\ntype='feed'\nurl='https://a.example/feed'\n",
                    encoding="utf-8")
    [source] = load_sources(path, default_interval=17)
    assert source.interval_minutes == 17 and source.enabled


def test_shards_split_every_source_into_exactly_one_part_and_always_the_same():
    sources = read_catalogue()
    parts = [shard(sources, i, 3) for i in (1, 2, 3)]
    names = [s.name for part in parts for s in part]
    assert sorted(names) == sorted(s.name for s in sources)  # each exactly once
    assert all(parts), "no shard is empty for this catalogue"
    assert [shard(sources, i, 3) for i in (1, 2, 3)] == parts
    assert shard(list(reversed(sources)), 2, 3) == list(reversed(parts[1]))  # by name, not order
    assert shard_of("irrawaddy", 3) == shard_of("irrawaddy", 3)
    assert parse_shard("2/5") == (2, 5)
    for bad in ("0/3", "4/3", "1/0", "a/b", "3"):
        with pytest.raises(ValueError):
            parse_shard(bad)


def test_select_by_name():
    sources = read_catalogue()
    assert [s.name for s in select(sources, ["rappler", "irrawaddy"])] == ["rappler", "irrawaddy"]
    with pytest.raises(UnknownSource, match="unknown source 'nope'"):
        select(sources, ["nope"])
    assert SOURCE_TYPES == ("feed", "sitemap", "listing", "search", "url")
