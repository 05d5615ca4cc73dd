"""The shipped sample corpus: deterministic, realistic enough to test and benchmark with."""
from __future__ import annotations

from collections import Counter

from indexer.sample import sample_articles
from nlp.identity import article_id, content_hash


def test_same_seed_same_articles_and_a_longer_run_extends_a_shorter_one():
    assert sample_articles(60, seed=3) == sample_articles(60, seed=3)
    assert sample_articles(60, seed=3) == sample_articles(120, seed=3)[:60]
    assert sample_articles(60, seed=3) != sample_articles(60, seed=4)


def test_articles_are_valid_records_with_entities_at_their_offsets():
    articles = sample_articles(500)
    assert len({a.id for a in articles}) == 500
    for a in articles:
        assert a.id == article_id(a.url) and a.content_hash == content_hash(a.text)
        assert a.title and a.text and a.source and 0 <= a.relevance <= 1
        for entity in (*a.entities.places, *a.entities.orgs, *a.entities.people,
                       *a.entities.money):
            assert a.text[entity.start:entity.end] == entity.text
        for money in a.entities.money:
            assert money.usd and money.usd > 0 and money.currency


def test_the_corpus_has_the_variety_the_tests_rely_on():
    articles = sample_articles(500)
    langs = Counter(a.lang for a in articles)
    assert {"en", "fr", "es", "zh", "th"} <= set(langs)
    assert len({c for a in articles for c in a.entities.countries()}) >= 6
    assert any(a.published is None for a in articles)
    assert any(a.relevance < 0.3 for a in articles) and any(a.relevance > 0.9 for a in articles)
    stories = Counter(a.story_id for a in articles)
    copies = [s for s, n in stories.items() if n > 1]
    assert copies  # wire stories republished by several sources
    story = copies[0]
    group = [a for a in articles if a.story_id == story]
    assert len({a.source for a in group}) >= 2 and len({a.url for a in group}) == len(group)
    assert all(a.title == group[0].title for a in group)
