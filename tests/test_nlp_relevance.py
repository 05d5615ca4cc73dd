"""Relevance ranks scam-centre stories above unrelated news."""
from __future__ import annotations

import pytest

from nlp.relevance import relevance

SCAM = ("Thousands of people trafficked into scam compounds in Myawaddy were forced to run "
        "pig-butchering and romance scams. The scam centres at KK Park and Shwe Kokko earn "
        "billions from online fraud, the UN says; victims described beatings and debt bondage.")
UNRELATED = ("The national football team won the regional championship on Sunday after a late "
             "goal, and thousands of fans celebrated in the capital until the early morning.")


def test_relevance_orders_scam_news_above_unrelated_news():
    assert relevance(SCAM, "Scam centres in Myanmar") > 0.8
    assert relevance(UNRELATED, "Football final") < 0.1


def test_a_passing_mention_of_fraud_scores_low():
    text = UNRELATED + " Police also warned about ticket fraud."
    assert relevance(text) < 0.3


@pytest.mark.parametrize("text", [
    "Des milliers de victimes sont retenues dans des centres d'arnaque en Birmanie.",
    "Miles de víctimas están retenidas en centros de estafa en Camboya.",
    "Ribuan WNI menjadi korban sindikat penipuan online di Kamboja.",
    "Hàng trăm người bị giam giữ tại các trung tâm lừa đảo ở Campuchia.",
    "缅北电诈园区关押了大量被拐卖人员。",
    "ตำรวจทลายแก๊งคอลเซ็นเตอร์ที่เมียวดี",
])
def test_relevance_in_other_languages(text):
    assert relevance(text) > 0.3
