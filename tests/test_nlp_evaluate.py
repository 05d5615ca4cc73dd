"""nlp/evaluate.py: the scorer behind the entity quality gate and bench/entities.py."""
from __future__ import annotations

import pytest

from nlp.evaluate import Counts, score, score_article
from nlp.records import Entities, Money, Org, Place

GOLD = {
    "id": "g1",
    "places": [{"text": "Birmanie", "name": "Myanmar", "country": "MM"},
               {"text": "Tak province", "name": "Tak", "country": "TH"},
               {"text": "Southeast Asia", "name": "Southeast Asia", "country": None}],
    "orgs": [{"text": "United Nations Office on Drugs and Crime", "name": "UNODC", "also": ["ONUDC"]},
             {"text": "Border Guard Force", "name": "Border Guard Force"}],
    "money": [{"text": "300 million baht", "amount": 3e8, "currency": "THB", "approx": False},
              {"text": "billions of dollars", "amount": 1e9, "currency": "USD", "approx": True}],
}


def test_names_match_on_canonical_name_or_surface_case_insensitively():
    pred = Entities(
        places=[Place("Birmanie", "myanmar", "MM"), Place("Tak", "Tak", "TH"),
                Place("Tak province", "Tak Province", "TH"),  # same gold entity again: ignored
                Place("Celles", "Celles", "FR")],  # spurious
        orgs=[Org("ONUDC", "Office des Nations unies"), Org("BGF", "Border Guard Force")])
    result = score_article(pred, GOLD)
    assert result["places"][0] == Counts(tp=2, fp=1, fn=1)
    assert result["places"][1] == ["Southeast Asia"]
    assert result["orgs"][0] == Counts(tp=2, fp=0, fn=0)
    assert result["countries"][0] == Counts(tp=2, fp=1, fn=0)


def test_money_needs_exact_currency_and_amount_within_ten_percent():
    pred = Entities(money=[
        Money("", 3.2e8, "THB", None), Money("", 3.2e8, "THB", None),  # duplicate: once
        Money("", 1.2e9, "USD", None),  # 20 % off: spurious, and the gold one missed
        Money("", 3e8, "USD", None)])  # wrong currency: spurious
    counts, missed, spurious = score_article(pred, GOLD)["money"]
    assert counts == Counts(tp=1, fp=2, fn=1)
    assert missed == ["billions of dollars = 1e+09 USD"]


def test_totals_and_prf_over_articles():
    perfect = {"places": [{"text": "Laos", "name": "Laos", "country": "LA"}], "orgs": [],
               "money": []}
    report = score([Entities(places=[Place("Laos", "Laos", "LA")]), {"places": []}],
                   [dict(perfect, id="a"), dict(perfect, id="b")])
    assert report.prf("places") == pytest.approx((1.0, 0.5, 2 / 3))
    assert report.prf("orgs") == (1.0, 1.0, 1.0)  # nothing to find, nothing found
    with pytest.raises(ValueError):
        score([], [perfect])


def test_predicting_nothing_when_there_is_something_to_find_scores_zero():
    report = score([Entities()], [GOLD])
    assert report.prf("places") == (0.0, 0.0, 0.0)
    assert report.prf("money") == (0.0, 0.0, 0.0)


def test_scores_saved_extract_json_against_a_gold_directory(tmp_path, capsys):
    import json

    from nlp.evaluate import main

    gold_dir, pred_dir = tmp_path / "gold", tmp_path / "preds"
    gold_dir.mkdir()
    pred_dir.mkdir()
    (gold_dir / "g1.json").write_text(json.dumps(GOLD), encoding="utf-8")
    (gold_dir / "g2.json").write_text(json.dumps(dict(GOLD, id="g2")), encoding="utf-8")
    extract_output = {"url": "https://example.org/a", "lang": "fr", "entities": Entities(
        places=[Place("Birmanie", "Myanmar", "MM")],
        money=[Money("300 millions de bahts", 3e8, "THB", 8.8e6)]).to_json()}
    (pred_dir / "g1.json").write_text(json.dumps(extract_output), encoding="utf-8")
    assert main([str(gold_dir), str(pred_dir)]) == 0
    out = capsys.readouterr().out
    assert "2 gold articles, 1 with predictions" in out
    assert "missing predictions (scored as empty): g2" in out
    places = next(line for line in out.splitlines() if line.startswith("places"))
    assert places.split()[1:4] == ["1.000", "0.167", "0.286"]
