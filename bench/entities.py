"""Entities: raw spaCy against scamscope on the held-out and the tuned gold sets.

The held-out sets (tests/data/heldout and tests/data/heldout2, the second labelled by
someone who did not write the rules; never tuned on) are printed first: they are
the estimate of quality on unseen news; then the dev batch (tests/data/dev2,
scored once before its round of rules, then developed against) and the tuned
set (tests/data/gold), what the tables were developed against.

Prints precision, recall and F1 per entity type for both, side by side, and the
articles per CPU second of both measured in the same run (with their ratio).

- raw spaCy: the en/fr small models (NER only, as the nlp stage loads them),
  labels taken straight: GPE/LOC -> places (surface as name, no country),
  ORG -> orgs, MONEY -> money with the least parse that makes an amount
  comparable (first number x million/billion/thousand, currency from "$", "€",
  "£" or the word after the number). Languages without a model get nothing.
- scamscope: nlp.entities.EntityExtractor.extract_many, the entity step of the
  nlp stage (gazetteers + spaCy NER for en/fr + money rules).

Scoring as in nlp/evaluate.py (canonical name or surface, money: currency exact
and amount within 10 %).

    .venv/bin/python bench/entities.py [--rounds 3] [--by-lang] [--errors]
        [--gold DIR | --dev2] [--lang LL] [--model fr=fr_core_news_md]

--model compares spaCy models (e.g. fr_core_news_sm against fr_core_news_md) on
the same articles: both systems use the named model for that language.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp import analyze  # noqa: E402
from nlp.entities import EntityExtractor, installed_model, load_model  # noqa: E402
from nlp.evaluate import TYPES, Report, errors_text, load_gold, score  # noqa: E402
from nlp.options import DEFAULT_MODELS, NlpOptions  # noqa: E402
from nlp.records import Entities, Money, Org, Page, Place  # noqa: E402

GOLD_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "gold"
HELDOUT_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "heldout"
DEV2_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "dev2"
HELDOUT2_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "heldout2"

_NUMBER = re.compile(r"\d[\d,.\s]*")
_SCALE = {"thousand": 1e3, "million": 1e6, "millions": 1e6, "m": 1e6, "billion": 1e9,
          "billions": 1e9, "bn": 1e9, "milliard": 1e9, "milliards": 1e9, "trillion": 1e12}
_CURRENCY = [("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("dollar", "USD"), ("euro", "EUR"),
             ("baht", "THB"), ("yuan", "CNY"), ("peso", "PHP"), ("pound", "GBP")]


def naive_money(text: str) -> Money | None:
    """spaCy gives a MONEY span, not a value: the least parse to compare amounts."""
    number = _NUMBER.search(text)
    if not number:
        return None
    digits = number.group().strip().replace(",", "").replace(" ", "")
    try:
        amount = float(digits.rstrip("."))
    except ValueError:
        return None
    low = text.lower()
    for word, factor in _SCALE.items():
        if re.search(rf"\d\s*{word}\b", low):
            amount *= factor
            break
    currency = next((code for mark, code in _CURRENCY if mark in low), None)
    if currency is None:
        return None
    return Money(text, amount, currency, None)


class RawSpacy:
    """spaCy NER labels straight, no gazetteer, no normalisation."""

    def __init__(self, models: dict[str, tuple[str, ...]] | None = None) -> None:
        self.models = {}
        for lang, names in (models or DEFAULT_MODELS).items():
            name = installed_model(names)
            if name:
                self.models[lang] = load_model(name)

    def extract_many(self, items: list[tuple[str, str | None]]) -> list[Entities]:
        out = [Entities() for _ in items]
        by_lang: dict[str, list[int]] = {}
        for i, (_, lang, *_rest) in enumerate(items):
            if lang in self.models:
                by_lang.setdefault(lang, []).append(i)
        for lang, idxs in by_lang.items():
            for i, doc in zip(idxs, self.models[lang].pipe(items[i][0] for i in idxs)):
                ents = out[i]
                for e in doc.ents:
                    if e.label_ in ("GPE", "LOC"):
                        ents.places.append(Place(e.text, e.text, None, e.start_char, e.end_char))
                    elif e.label_ == "ORG":
                        ents.orgs.append(Org(e.text, e.text, e.start_char, e.end_char))
                    elif e.label_ == "MONEY":
                        money = naive_money(e.text)
                        if money:
                            ents.money.append(money)
        return out


def source_country(article) -> str | None:
    """The article's source country as the nlp stage would know it: the labelled
    source_country, else the country-code TLD of its url (nlp.analyze.source_country)."""
    url = article.get("url") or ""
    return analyze.source_country(Page(url=url, final_url=url, status=200, body=b"",
                                       country=article.get("source_country") or ""))


def timed(extract, items, rounds: int) -> tuple[list[Entities], float]:
    """Predictions and the best articles per CPU second over rounds (after one warm-up
    pass): process CPU time, since wall time on a shared machine measures the neighbours."""
    preds = extract(items)
    best = 0.0
    for _ in range(rounds):
        start = time.process_time()
        extract(items)
        elapsed = time.process_time() - start
        best = max(best, len(items) / elapsed if elapsed > 0 else float("inf"))
    return preds, best


def side_by_side(raw: Report, ours: Report) -> str:
    head = (f"{'type':<10} | {'spaCy P':>7} {'R':>6} {'F1':>6} | "
            f"{'scamscope P':>11} {'R':>6} {'F1':>6}")
    lines = [head, "-" * len(head)]
    for kind in TYPES:
        rp, rr, rf = raw.prf(kind)
        sp, sr, sf = ours.prf(kind)
        lines.append(f"{kind:<10} | {rp:7.3f} {rr:6.3f} {rf:6.3f} | {sp:11.3f} {sr:6.3f} {sf:6.3f}")
    return "\n".join(lines)


def run_set(label: str, directory: str, raw: RawSpacy, ours: EntityExtractor,
            args: argparse.Namespace) -> None:
    gold = [a for a in load_gold(directory) if args.lang in (None, a["lang"])]
    items = [(a["text"], a["lang"], source_country(a)) for a in gold]
    raw_preds, raw_rate = timed(raw.extract_many, items, args.rounds)
    our_preds, our_rate = timed(ours.extract_many, items, args.rounds)
    raw_report, our_report = score(raw_preds, gold), score(our_preds, gold)

    langs = sorted({a["lang"] for a in gold})
    print(f"== {label}: {len(gold)} articles ({', '.join(langs)}) from {directory}; "
          f"raw spaCy models: {', '.join(sorted(raw.models)) or 'none'}")
    print(side_by_side(raw_report, our_report))
    if args.by_lang:
        for lang in langs:
            idx = [i for i, a in enumerate(gold) if a["lang"] == lang]
            sub = [gold[i] for i in idx]
            print(f"\n[{lang}] {len(sub)} articles")
            print(side_by_side(score([raw_preds[i] for i in idx], sub),
                               score([our_preds[i] for i in idx], sub)))
    if args.rounds > 0:
        print(f"articles per CPU second: raw spaCy {raw_rate:.1f}, scamscope {our_rate:.1f}, "
              f"ratio scamscope/spaCy {our_rate / raw_rate:.2f}")
    print()
    if args.errors:
        print(errors_text(our_report) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", default=None,
                        help="score only this gold directory (default: held-out, then tuned)")
    parser.add_argument("--dev2", action="store_true",
                        help="score only the dev batch (tests/data/dev2)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="timed passes (best is kept; 0: scores only)")
    parser.add_argument("--by-lang", action="store_true", help="also print scores per language")
    parser.add_argument("--errors", action="store_true", help="print scamscope's misses")
    parser.add_argument("--model", action="append", default=[], metavar="LANG=NAME",
                        help="spaCy model for a language, e.g. fr=fr_core_news_md (repeatable)")
    parser.add_argument("--lang", default=None, help="only the articles of this language")
    args = parser.parse_args(argv)
    models = dict(DEFAULT_MODELS)
    for item in args.model:
        lang, _, name = item.partition("=")
        models[lang] = (name,)

    if args.gold or args.dev2:
        sets = [("gold", args.gold)] if args.gold else [("dev batch 2", str(DEV2_DIR))]
    else:
        sets = [("HELD-OUT (never tuned on)", str(HELDOUT_DIR)),
                ("HELD-OUT 2 (independent labeller, never tuned on)", str(HELDOUT2_DIR)),
                ("dev batch 2 (tuned on after its first score)", str(DEV2_DIR)),
                ("tuned set", str(GOLD_DIR))]
    raw = RawSpacy(models)
    ours = EntityExtractor(NlpOptions(models=models))
    for label, directory in sets:
        run_set(label, directory, raw, ours, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
