"""The article page: entities highlighted by type at their offsets, normalised values,
provenance, and the other copies of the same wire story."""
from __future__ import annotations

import re
from html import unescape

from indexer.query import Query
from scamscope.web.render import fmt_usd


def article_with_copies(index):
    for hit in index.search(Query(limit=200, facets=False)).hits:
        if hit.story_id and index.same_story(hit.story_id, hit.id):
            return index.get(hit.id)
    raise AssertionError("the sample has no wire story with copies")


def test_entities_are_highlighted_by_type_at_their_offsets(web, web_index):
    article = article_with_copies(web_index)
    page = web.get(f"/articles/{article.id}").text
    body = re.split(r'<div class="text"[^>]*>', page, maxsplit=1)[1].split("</div>", 1)[0]
    paragraphs = re.findall(r"<p>(.*?)</p>", body, re.S)
    marks = re.findall(r'<mark class="ent ent-(\w+)" title="[^"]*">([^<]*)</mark>', body)
    ents = article.entities
    expected = {("place", p.text) for p in ents.places} | {("org", o.text) for o in ents.orgs} \
        | {("money", m.text) for m in ents.money} | {("person", p.text) for p in ents.people}
    assert marks and {(kind, unescape(text)) for kind, text in marks} <= expected
    # removing the marks gives back exactly the article text, a paragraph per line
    lines = [line for line in article.text.split("\n") if line.strip()]
    assert [unescape(re.sub(r"</?mark[^>]*>", "", p)) for p in paragraphs] == lines


def test_normalised_values_are_shown(web, web_index):
    article = article_with_copies(web_index)
    page = unescape(web.get(f"/articles/{article.id}").text)
    for place in article.entities.places:
        assert place.name in page
        if place.country:
            assert f'href="/?country={place.country}"' in page
    for org in article.entities.orgs:
        assert org.name in page
    for money in article.entities.money:
        assert money.currency in page
        if money.usd is not None:
            assert fmt_usd(money.usd) in page


def test_provenance_is_shown(web, web_index):
    article = article_with_copies(web_index)
    page = web.get(f"/articles/{article.id}").text
    prov = unescape(page.split('<dl class="prov">', 1)[1].split("</dl>", 1)[0])
    for label, value in (("Fetched URL", article.fetched_url), ("Final URL", article.final_url),
                         ("HTTP status", str(article.status)),
                         ("Content hash", article.content_hash)):
        assert re.search(rf"<dt>{label}</dt><dd[^>]*>{re.escape(value)}</dd>", prov), label
    fetched = article.to_json()["fetched_at"]
    assert f"<dt>Fetched at</dt><dd>{fetched}</dd>" in prov


def test_other_copies_of_the_wire_story_are_linked(web, web_index):
    article = article_with_copies(web_index)
    copies = web_index.same_story(article.story_id, article.id)
    page = web.get(f"/articles/{article.id}").text
    section = page.split('class="copies"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'href="/articles/([0-9a-f]+)"', section) == [c.id for c in copies]
    assert f'href="/articles/{article.id}"' not in section


def test_an_unknown_article_is_a_404_page(web):
    response = web.get("/articles/0000")
    assert response.status_code == 404
    assert "no article with id" in response.text and "<html" in response.text
