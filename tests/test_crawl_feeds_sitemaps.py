"""Feeds, sitemaps, listing pages and single URLs on the local test site become Pages."""
from __future__ import annotations

import urllib.request
from datetime import datetime

import pytest

from crawler.spiders.feeds import parse_feed, unwrap
from crawler.spiders.listings import parse_listing
from crawler.spiders.sitemaps import parse_sitemap


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize("path", ["/feed.xml", "/atom.xml"])
def test_feed_parsers_read_entries_with_hints(test_site, path):
    links = parse_feed(fetch(test_site.url(path)), test_site.url(path)).links
    expected = {test_site.url(a.path): a for a in test_site.articles()}
    assert sorted(link.url for link in links) == sorted(expected)
    for link in links:
        article = expected[link.url]
        assert (link.title, link.lang, link.published) == (article.title, article.lang,
                                                          article.published)


def test_sitemap_parsers_read_urlsets_news_sitemaps_and_indexes(test_site):
    urls = sorted(test_site.article_urls())
    plain = parse_sitemap(fetch(test_site.url("/sitemap.xml")), test_site.url("/"))
    news = parse_sitemap(fetch(test_site.url("/news-sitemap.xml")), test_site.url("/"))
    index = parse_sitemap(fetch(test_site.url("/sitemap-index.xml")), test_site.url("/"))
    assert plain.kind == news.kind == "urlset"
    assert sorted(link.url for link in plain.links) == urls
    assert sorted(link.url for link in news.links) == urls
    assert all(link.title and link.lang and link.published for link in news.links)
    assert index.kind == "index"
    assert index.sitemaps == [test_site.url("/sitemap.xml"), test_site.url("/news-sitemap.xml")]


def test_listing_parser_applies_the_rules(test_site):
    html = fetch(test_site.url("/list/1.html")).decode("utf-8")
    listing = parse_listing(html, test_site.url("/list/1.html"),
                            link_css="a.story", next_css="a[rel=next]")
    links, next_url = listing.links, listing.next_url
    assert len(links) == 5 and all("/articles/" in link.url for link in links)
    assert next_url == test_site.url("/list/2.html")
    xlinks = parse_listing(html, test_site.url("/list/1.html"),
                           link_xpath="//ul[@class='articles']//a/@href").links
    assert [link.url for link in xlinks] == [link.url for link in links]


def test_news_search_click_trackers_are_unwrapped():
    wrapped = ("http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=1"
               "&url=https%3a%2f%2fexample.org%2fnews%2fscam-centre.html&c=1")
    assert unwrap(wrapped) == "https://example.org/news/scam-centre.html"
    assert unwrap("https://example.org/a") == "https://example.org/a"


def test_feed_crawl_fetches_every_article_once_with_hints(crawl, test_site):
    run = crawl({"name": "wire", "type": "feed", "url": test_site.url("/feed.xml")})
    articles = {test_site.url(a.path): a for a in test_site.articles()}
    assert sorted(run.urls()) == sorted(articles)
    assert run.summary["fetched"] == run.summary["passed"] == len(articles)
    assert run.summary["documents"] == 1 and run.summary["failed_total"] == 0
    for page in run.pages:
        article = articles[page["url"]]
        assert page["source"] == "wire" and page["status"] == 200
        assert page["hint_title"] == article.title and page["hint_lang"] == article.lang
        assert when(page["hint_published"]) == article.published


def test_pages_carry_their_catalogue_sources_country(crawl, test_site):
    """The nlp stage reads "$" and "元" by it (nlp.analyze.source_country)."""
    run = crawl({"name": "sg-wire", "type": "feed", "url": test_site.url("/feed.xml"),
                 "country": "SG"})
    assert run.pages and {page["country"] for page in run.pages} == {"SG"}


def test_sitemap_index_crawl_follows_child_sitemaps(crawl, test_site):
    run = crawl({"name": "maps", "type": "sitemap", "url": test_site.url("/sitemap-index.xml")})
    assert sorted(run.urls()) == sorted(test_site.article_urls())
    assert run.summary["documents"] == 3  # the index and its two sitemaps
    assert run.summary["failed_total"] == 0


def test_listing_crawl_follows_rules_and_next_links_and_identifies_itself(crawl, test_site):
    test_site.reset()
    ua = "scamscope-test/1.0 (+https://example.org/about-our-crawler)"
    run = crawl({"name": "latest", "type": "listing", "url": test_site.url("/list/1.html"),
                 "link_css": "ul.articles a.story", "next_css": "a[rel='next']", "lang": "en"},
                user_agent=ua)
    assert sorted(run.urls()) == sorted(test_site.article_urls())
    assert run.summary["documents"] == -(-len(test_site.articles()) // 5)
    # Navigation links of the listing pages are not articles and are not fetched.
    assert not [e for e in test_site.log.entries() if e.path in ("/", "/feed.xml")]
    assert {e.user_agent for e in test_site.log.entries()} == {ua}


def test_listing_cap_and_single_urls_and_a_wrong_type(crawl, test_site):
    first, second = test_site.article_urls()[:2]
    run = crawl({"name": "capped", "type": "listing", "url": test_site.url("/list/1.html"),
                 "link_xpath": "//ul[@class='articles']//a", "max_pages": 3},
                {"name": "redirected", "type": "url", "url": test_site.url("/redirect")},
                {"name": "wrong", "type": "feed", "url": test_site.url("/list/2.html")})
    capped = [p for p in run.pages if p["source"] == "capped"]
    assert len(capped) == 3 and run.summary["capped"] == 2
    redirected = [p for p in run.pages if p["source"] == "redirected"]
    assert [(p["url"], p["final_url"]) for p in redirected] == [(test_site.url("/redirect"),
                                                                 first)]
    assert run.failed == {"not_a_feed": 1}
    assert second in run.urls()


def test_requests_ask_for_the_right_type_and_the_sources_language(crawl, test_site):
    test_site.reset()
    crawl({"name": "thai", "type": "feed", "url": test_site.url("/feed.xml"), "lang": "th",
           "max_pages": 1})
    [feed] = test_site.log.entries("/feed.xml")
    assert feed.headers["accept"].startswith("application/rss+xml")
    assert feed.headers["accept-language"].startswith("th,")
    [page] = test_site.log.entries(prefix="/articles/")
    assert page.headers["accept"].startswith("text/html")
    # the feed entry's own language wins over the source's
    entry_lang = next(a.lang for a in test_site.articles() if a.path == page.path)
    assert page.headers["accept-language"].startswith(entry_lang if entry_lang != "en" else "en")


RDF = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://a.example/"><title>t</title><dc:language>zh-CN</dc:language></channel>
<item rdf:about="https://a.example/1"><title><![CDATA[Raid & rescue]]></title>
<link>https://a.example/1</link><dc:date>2025-01-02T03:04:05+08:00</dc:date></item></rdf:RDF>"""
ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
<entry><title type="html">A &amp;lt;b&amp;gt;bold&amp;lt;/b&amp;gt; &amp;amp; co</title>
<link rel="self" href="/self"/><link href="/a"/><updated>2025-01-02T03:04:05Z</updated></entry>
<entry xml:lang="es"><title>Police find "&lt;b&gt;bonus&lt;/b&gt;"</title><link href="/b"/></entry>
</feed>"""
RSS = b"""<rss><channel><item><title>AT&amp;amp;T &amp; co</title>
<atom:link xmlns:atom="http://www.w3.org/2005/Atom" href="https://c.example/self"/>
<link>https://c.example/real</link><pubDate>Tue, 10 Jun 2025 04:00:00 GMT</pubDate></item>
<item><title>no link</title></item></channel></rss>"""


def test_feed_variants_rdf_atom_markup_titles_and_double_escaping():
    [rdf] = parse_feed(RDF, "https://a.example/feed").links
    assert (rdf.url, rdf.title, rdf.lang) == ("https://a.example/1", "Raid & rescue", "zh")
    assert rdf.published.isoformat() == "2025-01-02T03:04:05+08:00"
    html_title, text_title = parse_feed(ATOM, "https://b.example/feed").links
    assert (html_title.url, html_title.title, html_title.lang) == (
        "https://b.example/a", "A bold & co", "fr")
    # A plain-text title keeps what looks like markup: it is the headline's text.
    assert (text_title.title, text_title.lang) == ('Police find "<b>bonus</b>"', "es")
    [rss] = parse_feed(RSS, "https://c.example/").links
    assert (rss.url, rss.title) == ("https://c.example/real", "AT&T & co")
    assert rss.published.isoformat() == "2025-06-10T04:00:00+00:00"


@pytest.mark.parametrize("body", [b"<html><body>hi</body></html>", b"%PDF-1.4", b""])
def test_what_is_not_a_feed_says_so(body):
    from crawler.spiders.feeds import NotAFeed

    with pytest.raises(NotAFeed):
        parse_feed(body, "https://x.example/feed")


def test_sitemaps_gzipped_plain_text_and_newest_first():
    import gzip

    xml = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <url><loc>https://s.example/old</loc><lastmod>2019-05-01</lastmod></url>
    <url><loc>https://s.example/new</loc><lastmod>2025-05-01T10:00:00+00:00</lastmod></url>
    <url><loc>https://s.example/undated</loc></url></urlset>"""
    sitemap = parse_sitemap(gzip.compress(xml), "https://s.example/sitemap.xml.gz")
    assert [link.url for link in sitemap.links] == ["https://s.example/new",
                                                     "https://s.example/old",
                                                     "https://s.example/undated"]
    text = parse_sitemap(b"https://s.example/a\nhttps://s.example/b\n", "https://s.example/")
    assert [link.url for link in text.links] == ["https://s.example/a", "https://s.example/b"]
    from crawler.spiders.sitemaps import NotASitemap

    with pytest.raises(NotASitemap):
        parse_sitemap(b"<rss><channel/></rss>", "https://s.example/")
