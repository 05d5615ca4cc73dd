"""`scamscope sources list|check` and `scamscope crawl` through the real command line."""
from __future__ import annotations

from pathlib import Path

from crawler.sources import read_catalogue
from crawler.sources import shard as shard_sources


def write_config(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


FAST = "download_delay = 0.0\nautothrottle = false\ndownload_timeout = 5.0\nretry_times = 0\n"


def test_sources_list_json_has_the_catalogue(cli):
    result = cli("sources", "list", "--json")
    assert result.code == 0, result.err
    sources = result.json()
    assert len([s for s in sources if s["enabled"]]) >= 30
    assert len({s["lang"] for s in sources}) >= 5
    for s in sources:
        assert {"name", "type", "url", "lang", "country", "interval_minutes",
                "enabled"} <= set(s)
    human = cli("sources", "list")
    assert human.code == 0 and "sources (" in human.out.splitlines()[-1]


def test_sources_check_reports_each_source_cleanly(cli, tmp_path, test_site, closed_port):
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(f"""
[[sources]]
name = "closed-feed"
type = "feed"
url = "http://127.0.0.1:{closed_port}/feed.xml"
lang = "en"

[[sources]]
name = "closed-press"
type = "listing"
url = "http://127.0.0.1:{closed_port}/press"
lang = "fr"
link_css = "a.release"

[[sources]]
name = "rules-out-of-date"
type = "listing"
url = "{test_site.url('/list/1.html')}"
link_css = "a.headline-that-no-longer-exists"

[[sources]]
name = "switched-off"
type = "feed"
url = "http://127.0.0.1:{closed_port}/off.xml"
enabled = false
""", encoding="utf-8")
    config = write_config(tmp_path / "config.toml", f"""sources_file = "{catalogue}"
{FAST}
[[sources]]
name = "regional-wire"
type = "feed"
url = "{test_site.url('/feed.xml')}"
lang = "en"
""")
    result = cli("--config", config, "sources", "check", "--json")
    assert result.code == 1  # not every source answered
    assert "Traceback" not in result.err
    checks = {c["name"]: c for c in result.json()}
    assert set(checks) == {"closed-feed", "closed-press", "regional-wire", "rules-out-of-date"}
    assert checks["rules-out-of-date"]["reason"] == "no_links"
    assert checks["regional-wire"]["ok"] and checks["regional-wire"]["links"] == len(
        test_site.articles())
    for name in ("closed-feed", "closed-press"):
        assert not checks[name]["ok"] and checks[name]["reason"] == "connection_refused"
    human = cli("--config", config, "sources", "check", "--source", "regional-wire",
                "closed-feed")
    assert human.code == 1 and "Traceback" not in human.err
    lines = human.out.splitlines()
    assert lines[0].startswith("OK   regional-wire") and lines[1].startswith("FAIL closed-feed")
    assert "connection_refused" in lines[1]


def test_a_malformed_user_source_is_one_line_and_exit_2(cli, tmp_path):
    config = write_config(tmp_path / "config.toml",
                          '[[sources]]\nname = "mine"\ntype = "rss"\nurl = "https://x.org/f"\n')
    for command in (("sources", "list"), ("crawl", "--dry-run")):
        result = cli("--config", config, *command)
        assert result.code == 2
        [line] = result.err.strip().splitlines()
        assert "source 'mine' (entry 1)" in line and "type must be one of" in line


def test_crawl_shards_split_the_enabled_sources_deterministically(cli):
    def shard(spec):
        result = cli("crawl", "--shard", spec, "--dry-run", "--json")
        assert result.code == 0, result.err
        return [s["name"] for s in result.json()]

    parts = [shard(f"{i}/3") for i in (1, 2, 3)]
    everything = [s.name for s in read_catalogue() if s.enabled]
    assert sorted(sum(parts, [])) == sorted(everything)  # each source in exactly one shard
    assert all(parts)
    assert parts[1] == [s.name for s in shard_sources(read_catalogue(), 2, 3) if s.enabled]
    assert cli("crawl", "--shard", "4/3", "--dry-run").code == 2
    assert cli("crawl", "--source", "no-such-source").code == 2


def test_crawl_exits_1_only_when_nothing_could_be_fetched(cli, tmp_path, closed_port):
    config = write_config(tmp_path / "config.toml", FAST)
    result = cli("--config", config, "crawl", "--url", f"http://127.0.0.1:{closed_port}/a.html",
                 "--feed", f"http://127.0.0.1:{closed_port}/feed.xml")
    assert result.code == 1
    assert "nothing could be fetched" in result.err and "connection_refused 2" in result.err
    assert "Traceback" not in result.err


def test_crawl_twice_indexes_once(cli, tmp_path, test_site):
    """Issue 7's "must show": a sitemap on 127.0.0.1 listing a robots-disallowed URL never
    fetches it; a second crawl fetches nothing unconditionally and re-indexes nothing."""
    config = write_config(tmp_path / "config.toml", FAST)
    sitemap = test_site.url("/sitemap-private.xml")  # two articles and a disallowed URL
    test_site.reset()
    first = cli("--config", config, "crawl", "--sitemap", sitemap, "--json")
    assert test_site.log.entries(prefix="/private/") == []
    assert first.code == 0, first.err
    summary = first.json()
    assert summary["fetched"] == summary["passed"] == 2
    assert summary["robots_denied"] == 1
    assert summary["indexed"] == 2
    assert "\r" not in first.err  # no progress line when stderr is not a terminal
    test_site.reset()
    second = cli("--config", config, "crawl", "--sitemap", sitemap, "--json")
    assert second.code == 0, second.err
    again = second.json()
    assert again["passed"] == 0 and again.get("indexed", 0) == 0
    assert again["documents_not_modified"] == 1
    assert all(e.conditional for e in test_site.log.entries() if e.path != "/robots.txt")
    assert test_site.log.entries(prefix="/private/") == []


def test_articles_already_indexed_are_not_fetched_again(cli, tmp_path):
    """Through the real pipeline: when the feed changes, only its new entry is fetched;
    the ones indexed within revisit_days are not asked for at all."""
    import shutil

    from scamscope.demo.server import SiteServer
    from tests.fixtures.site import SITE_DIR

    site_dir = tmp_path / "site"
    (site_dir / "articles").mkdir(parents=True)
    files = sorted((SITE_DIR / "articles").glob("*.html"))
    for path in files[:3]:
        shutil.copy(path, site_dir / "articles" / path.name)
    config = write_config(tmp_path / "config.toml", FAST)
    with SiteServer(site_dir) as site:
        first = cli("--config", config, "crawl", "--feed", site.url("/feed.xml"), "--json")
        assert first.code == 0, first.err
        assert first.json()["indexed"] == 3
        shutil.copy(files[3], site_dir / "articles" / files[3].name)
        site.reset()
        second = cli("--config", config, "crawl", "--feed", site.url("/feed.xml"), "--json")
        assert second.code == 0, second.err
        summary = second.json()
        assert summary["skipped_known"] == 3 and summary["fetched"] == 1
        assert [e.path for e in site.log.entries(prefix="/articles/")] == [
            "/articles/" + files[3].name]
