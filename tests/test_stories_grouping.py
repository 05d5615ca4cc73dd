"""Syndicated copies of one wire story share a story_id, across runs; different stories don't."""
from __future__ import annotations

from pathlib import Path

from nlp.records import Article
from scamscope.stories import StoryGrouper, hamming


def article(aid: str, simhash: int) -> Article:
    return Article(id=aid, url=f"http://x/{aid}", title=aid, text="", lang="en",
                   published=None, source="t", simhash=simhash)


def test_close_signatures_join_the_first_story_across_runs(tmp_path: Path):
    db = tmp_path / "stories.db"
    base = 0xF0F0_1234_ABCD_8001
    grouper = StoryGrouper(db)
    first, copy = article("a", base), article("b", base ^ 0b101)  # distance 2
    grouper.assign([first, copy])
    grouper.close()
    assert first.story_id == "a" and copy.story_id == "a"

    grouper = StoryGrouper(db)  # a later crawl
    later = article("c", base ^ (1 << 63) ^ 1)  # distance 2, top bit set
    grouper.assign([later])
    assert later.story_id == "a"
    again = article("b", 0)  # an article already grouped keeps its story
    grouper.assign([again])
    assert again.story_id == "a"


def test_distant_signatures_start_their_own_story(tmp_path: Path):
    grouper = StoryGrouper(tmp_path / "stories.db")
    one, other = article("a", 0x1111_2222_3333_4444), article("b", 0x1111_2222_3333_4444 ^ 0xFF)
    grouper.assign([one, other])
    assert hamming(one.simhash, other.simhash) == 8
    assert one.story_id == "a" and other.story_id == "b"
