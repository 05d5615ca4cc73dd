"""Feeds, sitemaps and listing pages as the real web serves them: odd links, entity
bombs, documents cut off mid-entry, redirects that go nowhere, and discovery
documents that fail. Each is skipped or reported with its own reason; nothing else
of the crawl is lost."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from crawler.links import absolute_link, link_problem
from crawler.spiders._xml import BadDocument, UnsafeXML
from crawler.spiders.feeds import parse_feed
from crawler.spiders.sitemaps import parse_sitemap
from nlp.identity import canonical_url
from scamscope.demo.server import ODD_LINKS

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("kind, path, rules", [
    ("feed", "/feed-odd-links.xml", {}),
    ("sitemap", "/sitemap-odd-links.xml", {}),
    ("listing", "/list-odd-links.html", {"link_css": "a.story"}),
])
def test_links_that_cannot_be_fetched_are_counted_and_every_article_is_fetched(
        crawl, test_site, kind, path, rules):
    run = crawl({"name": "odd", "type": kind, "url": test_site.url(path), **rules})
    assert sorted(run.urls()) == sorted(test_site.article_urls())
    assert run.summary["bad_links"] == len(ODD_LINKS)
    assert run.summary["by_source"]["odd"]["bad_links"] == len(ODD_LINKS)
    assert run.failed == {} and run.code == 0
    assert "Traceback" not in run.err


@pytest.mark.parametrize("url", [*ODD_LINKS, "http:///x", "http://a..b/", "http://x.org:0/",
                                 "ftp://x.org/y", "http://x.org/a\nb", "http://[zz]/", ""])
def test_one_test_says_which_links_cannot_be_fetched_and_identity_never_raises(url):
    assert link_problem(url)
    assert isinstance(canonical_url(url), str)


@pytest.mark.parametrize("url", ["https://example.org/a?b=1#c", "http://[::1]:8080/x",
                                 "http://bücher.de/", "HTTP://X.ORG", "http://x.org./a"])
def test_ordinary_links_pass(url):
    assert link_problem(url) is None


def test_a_link_wrapped_across_lines_is_read_as_browsers_read_it():
    assert absolute_link("https://x.org/news/", "/2025/\n  story.html") == (
        "https://x.org/2025/  story.html", None)
    assert absolute_link("https://x.org/news/", "2025/\tstory.html")[0] == (
        "https://x.org/news/2025/story.html")


XXE = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&xxe;</title><link>https://x.example/a</link></item></channel></rss>"""


def test_entity_declarations_are_refused_unread():
    with pytest.raises(UnsafeXML):
        parse_feed(XXE, "https://x.example/feed")
    with pytest.raises(UnsafeXML):
        parse_sitemap(XXE.replace(b"rss", b"urlset"), "https://x.example/sitemap.xml")


def test_entity_bombs_are_failures_with_a_reason_and_other_sources_go_on(crawl, test_site):
    run = crawl({"name": "bomb-feed", "type": "feed", "url": test_site.url("/feed-bomb.xml")},
                {"name": "bomb-map", "type": "sitemap", "url": test_site.url("/sitemap-bomb.xml")},
                {"name": "good", "type": "feed", "url": test_site.url("/feed.xml")})
    assert run.failed == {"unsafe_xml": 2} and run.summary["failed_total"] == 2
    assert {p["source"] for p in run.pages} == {"good"}
    assert sorted(run.urls()) == sorted(test_site.article_urls())
    assert "failed: unsafe_xml" in run.err


@pytest.mark.parametrize("kind, path", [("feed", "/feed-truncated.xml"),
                                        ("sitemap", "/sitemap-truncated.xml")])
def test_a_cut_off_document_gives_its_complete_entries_and_never_the_home_page(
        crawl, test_site, kind, path):
    test_site.reset()
    run = crawl({"name": "cut", "type": kind, "url": test_site.url(path)})
    # The cut falls in the third entry, just after "http://host:port/": the home page.
    assert sorted(run.urls()) == sorted(test_site.article_urls()[:2])
    assert test_site.log.entries("/") == []
    assert run.summary["truncated"] == 1 and run.failed == {}
    assert "cut off" in run.err
    # Its validators were not kept: the next crawl reads it whole again, not a 304.
    again = crawl({"name": "cut", "type": kind, "url": test_site.url(path)})
    assert again.summary["documents"] == 1 and again.summary["documents_not_modified"] == 0


def test_redirect_loops_and_redirects_to_nowhere_have_their_own_reasons(crawl, test_site):
    test_site.reset()
    run = crawl(*({"name": name, "type": "url", "url": test_site.url(path)} for name, path in [
        ("loop", "/redirect-loop"), ("file", "/redirect-file"), ("broken", "/redirect-broken"),
        ("nowhere", "/redirect-nowhere"), ("meta", "/meta-refresh-loop"), ("fine", "/redirect")]))
    assert run.failed == {"redirect_loop": 2, "bad_redirect": 3}
    assert [p["source"] for p in run.pages] == ["fine"]
    for name, reason in [("loop", "redirect_loop"), ("meta", "redirect_loop"),
                         ("file", "bad_redirect"),
                         ("broken", "bad_redirect"), ("nowhere", "bad_redirect")]:
        assert run.summary["by_source"][name] == {f"failed:{reason}": 1}
    # The loop is seen as one, not followed twenty times.
    assert len(test_site.log.entries("/redirect-loop")) <= 4


def test_failing_discovery_documents_say_why_and_never_stop_other_sources(crawl, test_site):
    run = crawl({"name": "gone", "type": "feed", "url": test_site.url("/status/404")},
                {"name": "broken", "type": "sitemap", "url": test_site.url("/status/500")},
                {"name": "slow", "type": "feed", "url": test_site.url("/slow?seconds=3")},
                {"name": "pdf", "type": "feed", "url": test_site.url("/binary.pdf")},
                {"name": "png", "type": "sitemap", "url": test_site.url("/image.png")},
                {"name": "pdf-list", "type": "listing", "url": test_site.url("/binary.pdf"),
                 "link_css": "a"},
                {"name": "huge", "type": "feed",
                 "url": test_site.url("/huge-stream.html?bytes=60000000")},
                {"name": "good", "type": "sitemap", "url": test_site.url("/sitemap.xml")},
                timeout=1.0)
    assert run.failed == {"http_404": 1, "http_500": 1, "timeout": 1, "not_a_feed": 1,
                          "not_a_sitemap": 1, "not_html": 1, "too_large": 1}
    for name, reason in [("gone", "http_404"), ("broken", "http_500"), ("slow", "timeout"),
                         ("pdf", "not_a_feed"), ("png", "not_a_sitemap"),
                         ("pdf-list", "not_html"), ("huge", "too_large")]:
        assert run.summary["by_source"][name] == {f"failed:{reason}": 1}
    assert sorted(run.urls()) == sorted(test_site.article_urls())


@pytest.mark.parametrize("path", ["/feed-latin1.xml", "/feed-utf16.xml"])
def test_feeds_in_another_encoding_than_declared_or_expected_are_read(crawl, test_site, path):
    run = crawl({"name": "enc", "type": "feed", "url": test_site.url(path)})
    titles = {test_site.url(a.path): a.title for a in test_site.articles()}
    assert sorted(run.urls()) == sorted(titles) and run.failed == {}
    assert {p["url"]: p["hint_title"] for p in run.pages} == titles


# -- every failure reason is documented --------------------------------------------

def _reasons_in_code() -> set[str]:
    """Reasons classify() returns, BadDocument subclasses carry, and code passes literally."""
    import crawler.spiders.news  # noqa: F401  (registers every BadDocument subclass)

    reasons: set[str] = set()
    pending = BadDocument.__subclasses__()
    while pending:
        cls = pending.pop()
        if "reason" in cls.__dict__:
            reasons.add(cls.reason)
        pending.extend(cls.__subclasses__())
    news = ast.parse((REPO / "crawler/spiders/news.py").read_text(encoding="utf-8"))
    classify = next(n for n in ast.walk(news)
                    if isinstance(n, ast.FunctionDef) and n.name == "classify")
    for node in ast.walk(classify):
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
            first = node.value.elts[0]
            if isinstance(first, ast.Constant):
                reasons.add(first.value)
            elif isinstance(first, ast.JoinedStr):  # f"http_{status}"
                reasons.add("http_<status>")
    for path in (REPO / "crawler").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("fail", "_failed", "_checked", "settle_failed")):
                reasons.update(arg.value for arg in node.args
                               if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                               and re.fullmatch(r"[a-z_]+", arg.value) and arg.value != "ok")
    from crawler.summary import NOT_STORED  # reasons the pipeline reports for pages

    return reasons | set(NOT_STORED)


def test_every_failure_reason_is_documented():
    doc = (REPO / "docs/CRAWLING.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_<>]+)` \|", doc, re.M))
    reasons = _reasons_in_code()
    assert {"redirect_loop", "bad_redirect", "unsafe_xml", "http_<status>",
            "sink_error"} <= reasons
    assert reasons - documented == set()
