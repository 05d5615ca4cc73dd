"""Relevance ranks scam-centre stories above unrelated news; SimHash groups copies of one story."""
from __future__ import annotations

import pytest

from nlp.dedupe import distance, simhash
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


STORY = ("Police in Cambodia raided a casino complex in Poipet on Friday and detained 215 foreign "
         "workers suspected of running online scams, officials said. The raid followed complaints "
         "from families in Indonesia and Vietnam whose relatives said they were held against their "
         "will and forced to defraud people online. Authorities said the workers would be screened "
         "to identify victims of human trafficking before being deported, and that the owners of "
         "the complex were being sought. The government has promised a wider crackdown on the "
         "industry after pressure from China, South Korea and the United States. ") * 2


def test_simhash_groups_syndicated_copies_and_separates_stories():
    # the copy another site publishes: its own headline, byline and credits around the story
    copy = ("Casino raid nets 215 in Poipet\nBy Regional Wire staff\n" + STORY
            + "\nReporting by staff; editing by the desk.\nRead more: Asia")
    other = STORY.replace("Poipet", "Bavet").replace("215", "40").replace("Friday", "Monday") \
        .replace("casino complex", "hotel").replace("Indonesia and Vietnam", "Kenya") \
        .replace("human trafficking", "forced labour")
    unrelated = UNRELATED * 4
    assert distance(simhash(STORY), simhash(copy)) <= 3
    assert distance(simhash(STORY), simhash(unrelated)) > 3
    assert distance(simhash(STORY), simhash(other)) > distance(simhash(STORY), simhash(copy))


def test_simhash_fits_a_signed_64_bit_column():
    value = simhash(STORY)
    assert -(1 << 63) <= value < (1 << 63)
    assert simhash("") == 0
