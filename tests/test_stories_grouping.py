"""Syndicated copies of one wire story share a story_id, across runs; different stories don't."""
from __future__ import annotations

from pathlib import Path

import trafilatura

from nlp.records import Article
from scamscope.stories import StoryGrouper

SITE = Path(__file__).parent / "data" / "site" / "articles"

WIRE = ("Officials said the transfer was the largest so far this year. "
        "The workers had been held in compounds along the river for months. "
        "Many said they were beaten when they failed to meet their quotas. "
        "Thai authorities said they would be screened as possible trafficking victims. "
        "Embassies from a dozen countries have sent staff to the border town.")


def article(aid: str, text: str) -> Article:
    return Article(id=aid, url=f"http://x/{aid}", title=aid, text=text, lang="en",
                   published=None, source="t")


def test_copies_with_a_rewritten_lead_join_the_first_story_across_runs(tmp_path: Path):
    db = tmp_path / "stories.db"
    grouper = StoryGrouper(db)
    first = article("a", "A militia freed 1,460 people on Thursday. " + WIRE)
    copy = article("b", "More than fourteen hundred people crossed the border on Thursday. " + WIRE)
    grouper.assign([first, copy])
    grouper.close()
    assert first.story_id == "a" and copy.story_id == "a"

    grouper = StoryGrouper(db)  # a later crawl
    trimmed = article("c", WIRE.rsplit(". ", 1)[0] + ".")  # last paragraph cut
    grouper.assign([trimmed])
    assert trimmed.story_id == "a"
    again = article("b", "unrelated text now")  # an article already grouped keeps its story
    grouper.assign([again])
    assert again.story_id == "a"


def test_different_stories_on_the_same_topic_stay_apart(tmp_path: Path):
    grouper = StoryGrouper(tmp_path / "stories.db")
    one = article("a", WIRE)
    other = article("b", "Police raided a compound in Sihanoukville on Monday and detained 300 "
                         "workers. The workers had been held in compounds along the river for "
                         "months. A spokesman said more raids would follow this week. Prosecutors "
                         "charged the building's owners with trafficking and money laundering.")
    grouper.assign([one, other])
    assert one.story_id == "a" and other.story_id == "b"


def test_the_test_sites_syndicated_pair_is_one_story(tmp_path: Path):
    texts = {name: trafilatura.extract((SITE / f"{name}.html").read_text(encoding="utf-8"))
             for name in ("myawaddy-bgf-hands-over-foreigners",
                          "partner-foreign-workers-freed-myawaddy", "kk-park-demolition-begins")}
    arts = [article(name, text) for name, text in texts.items()]
    StoryGrouper(tmp_path / "stories.db").assign(arts)
    assert arts[1].story_id == arts[0].id
    assert arts[2].story_id == arts[2].id
