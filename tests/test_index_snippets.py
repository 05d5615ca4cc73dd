"""Snippets: the raw text, escaped, with exactly the words the index matched in <mark>."""
from __future__ import annotations

import pytest

from indexer.query import parse_query
from indexer.snippet import SNIPPET_CHARS, snippet


@pytest.mark.parametrize("text, query, expected", [
    ("Police raided a scam centre.", "scam", "Police raided a <mark>scam</mark> centre."),
    ("Scams and a SCAM", "scam", "Scams and a <mark>SCAM</mark>"),
    ("trafficked, trafficking, traffic", "traffick*",
     "<mark>trafficked</mark>, <mark>trafficking</mark>, traffic"),
    ("a scam, compound. scam compound", '"scam compound"',
     "a <mark>scam, compound</mark>. <mark>scam compound</mark>"),
    ("scam but not crypto", "scam -crypto", "<mark>scam</mark> but not crypto"),
    ("Des victimes fraudées, fraudé", "fraude", "Des victimes fraudées, <mark>fraudé</mark>"),
    ("décomposé: fraude\u0301!", "fraude", "décomposé: <mark>fraude\u0301</mark>!"),
    ("ﬁnance ﬁrms", "finance", "<mark>ﬁnance</mark> ﬁrms"),
    ("警方突袭了一处诈骗园区，解救", "诈骗园区", "警方突袭了一处<mark>诈骗园区</mark>，解救"),
    ("诈骗 园区", "诈骗园区", "<mark>诈骗 园区</mark>"),
    ("ตำรวจบุกทลายแก๊งคอลเซ็นเตอร์ที่แม่สอด", "ตำรวจ",
     "<mark>ตำรวจ</mark>บุกทลายแก๊งคอลเซ็นเตอร์ที่แม่สอด"),
    ("ตำรวจบุกทลายแก๊งคอลเซ็นเตอร์ที่แม่สอด", "คอลเซ็นเตอร์",
     "ตำรวจบุกทลายแก๊ง<mark>คอลเซ็นเตอร์</mark>ที่แม่สอด"),
    ('<script>alert("scam")</script> & co', "scam",
     "&lt;script&gt;alert(&quot;<mark>scam</mark>&quot;)&lt;/script&gt; &amp; co"),
])
def test_marks_what_the_index_matched_and_escapes_the_rest(text, query, expected):
    assert snippet(text, parse_query(query)) == expected


def test_without_a_match_in_the_text_it_is_the_start_of_the_text():
    text = "word " * 200
    for node in (None, parse_query("absent")):
        out = snippet(text, node)
        assert out.startswith("word word") and out.endswith("…")
        assert len(out) <= SNIPPET_CHARS + 1


def test_a_late_match_is_shown_in_a_window_around_it():
    text = "filler " * 300 + "the scam centre was raided " + "tail " * 300
    out = snippet(text, parse_query("scam"))
    assert out.startswith("…") and out.endswith("…")
    assert "<mark>scam</mark> centre was raided" in out
    assert len(out.replace("<mark>", "").replace("</mark>", "")) <= SNIPPET_CHARS + 2
