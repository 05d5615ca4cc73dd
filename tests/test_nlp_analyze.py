"""The nlp stage's entry point: one result per page, identity and provenance, rejections with reasons."""
from __future__ import annotations

from pathlib import Path

from nlp.analyze import Rejected, article_url
from nlp.identity import article_id, content_hash
from nlp.records import Article, Page

HTML = Path(__file__).parent / "data" / "html"


def page(url: str, final: str, body: bytes, status: int = 200) -> Page:
    return Page(url=url, final_url=final, status=status, body=body,
                headers={"content-type": "text/html"}, source="wire")


def test_one_result_per_page_in_order(analyzer):
    body = (HTML / "article_en.html").read_bytes()
    results = analyzer.analyze([
        page("https://a.example/1", "https://a.example/1", body),
        page("https://a.example/404", "https://a.example/404", b"gone", status=404),
        page("https://a.example/fr", "https://a.example/fr", (HTML / "article_fr.html").read_bytes()),
    ])
    assert [type(r) for r in results] == [Article, Rejected, Article]
    assert results[1].reason == "http_status"
    assert [results[0].lang, results[2].lang] == ["en", "fr"]


def test_identity_and_provenance(analyzer):
    body = (HTML / "article_en.html").read_bytes()
    requested = "https://www.news.example/story?id=7&utm_source=feed"
    final = "https://news.example/2025/02/myawaddy-freed"
    [article] = analyzer.analyze([page(requested, final, body)])
    assert article.id == article_id(requested)
    assert article.url == "https://news.example/2025/02/myawaddy-freed"
    assert (article.fetched_url, article.final_url, article.status) == (requested, final, 200)
    assert article.content_hash == content_hash(article.text)
    assert article.story_id
    assert article.source == "wire" and article.relevance > 0.5


def test_redirect_to_another_site_or_a_front_page_keeps_the_requested_url():
    assert article_url("https://a.example/x", "https://consent.b.example/") == "https://a.example/x"
    assert article_url("https://a.example/x", "https://a.example/") == "https://a.example/x"
    assert article_url("http://a.example/x/", "https://www.a.example/x") == "https://www.a.example/x"


def test_copies_start_as_their_own_story(analyzer):
    # grouping copies across crawls is scamscope.stories.StoryGrouper's job
    body = (HTML / "article_en.html").read_bytes()
    one, two = analyzer.analyze([page("https://a.example/s", "https://a.example/s", body),
                                 page("https://b.example/t", "https://b.example/t", body)])
    assert one.id != two.id and one.content_hash == two.content_hash
    assert one.story_id == one.id and two.story_id == two.id
