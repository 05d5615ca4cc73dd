"""Scoring predicted entities against the labelled gold set (tests/data/gold).

Used by the quality gate (tests/test_entities_quality_gate.py) and by
bench/entities.py. Plain functions over plain data: predictions may be
`Entities` records or their JSON form; gold articles are the JSON files
described in tests/data/gold/README.md.

Article bodies (tests/test_real_pages.py, bench/realpages.py) are scored by
`body_prf`: bag-of-tokens precision, recall and F1 against a ground-truth body.

Matching of entities, per article (each distinct entity counts once):
- places and orgs: a prediction matches a gold entity when any of its keys
  (canonical name, surface text) equals any of the gold entity's keys
  (name, text, `also` surfaces), case-insensitively and ignoring spacing;
- countries: the set of ISO codes of the places, predicted vs gold;
- money: currency exact and amount within 10 % of the gold amount.
Matching is one-to-one. A prediction that only repeats an already matched
gold entity under another name ("Tak" and "Tak province") is neither a true
nor a false positive; any other unmatched prediction is a false positive.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

TYPES = ("places", "countries", "orgs", "money")
MONEY_TOLERANCE = 0.10


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    # Nothing predicted and nothing to find is perfect; nothing predicted when
    # there was something to find scores 0 (not an undefined precision of 1).
    @property
    def precision(self) -> float:
        if self.tp + self.fp:
            return self.tp / (self.tp + self.fp)
        return 1.0 if self.fn == 0 else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    totals: dict[str, Counts] = field(default_factory=lambda: {t: Counts() for t in TYPES})
    # per article id: per type, the (missed gold, spurious predicted) descriptions
    errors: dict[str, dict[str, tuple[list[str], list[str]]]] = field(default_factory=dict)

    def prf(self, kind: str) -> tuple[float, float, float]:
        c = self.totals[kind]
        return c.precision, c.recall, c.f1

    def table(self) -> str:
        lines = [f"{'type':<10} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"]
        for kind in TYPES:
            c = self.totals[kind]
            lines.append(f"{kind:<10} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} "
                         f"{c.tp:5d} {c.fp:5d} {c.fn:5d}")
        return "\n".join(lines)


# --------------------------------------------------------------------------
# Gold


def load_gold(directory: str | Path) -> list[dict[str, Any]]:
    """Every gold article (*.json, and one article per line in *.jsonl), sorted by id."""
    directory = Path(directory)
    articles: list[dict[str, Any]] = []
    for path in sorted(directory.glob("*.json")):
        articles.append(json.loads(path.read_text(encoding="utf-8")))
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                articles.append(json.loads(line))
    return sorted(articles, key=lambda a: a["id"])


# --------------------------------------------------------------------------
# Matching


def norm(value: str | None) -> str:
    if not value:
        return ""
    value = unicodedata.normalize("NFKC", value).replace("’", "'")
    return " ".join(value.split()).casefold()


def _get(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def _entities_part(pred: Any, kind: str) -> list[Any]:
    if pred is None:
        return []
    return list(_get(pred, kind) or [])


def _named_groups(items: Iterable[Any]) -> list[tuple[str, set[str]]]:
    """Predictions grouped by canonical name: (label, keys)."""
    groups: dict[str, set[str]] = {}
    for item in items:
        name = norm(_get(item, "name")) or norm(_get(item, "text"))
        if not name:
            continue
        keys = groups.setdefault(name, {name})
        text = norm(_get(item, "text"))
        if text:
            keys.add(text)
    return list(groups.items())


def _gold_keys(item: Mapping[str, Any]) -> set[str]:
    keys = {norm(item.get("name")), norm(item.get("text"))}
    keys.update(norm(x) for x in item.get("also", ()))
    keys.discard("")
    return keys


def _match_named(pred_items: Iterable[Any], gold_items: Sequence[Mapping[str, Any]]):
    preds = _named_groups(pred_items)
    golds = [(g.get("name") or g.get("text"), _gold_keys(g)) for g in gold_items]
    used_pred: set[int] = set()
    matched_gold: set[int] = set()
    for gi, (_, gkeys) in enumerate(golds):
        for pi, (_, pkeys) in enumerate(preds):
            if pi not in used_pred and pkeys & gkeys:
                used_pred.add(pi)
                matched_gold.add(gi)
                break
    all_gold_keys = set().union(*(k for _, k in golds)) if golds else set()
    spurious = [label for pi, (label, pkeys) in enumerate(preds)
                if pi not in used_pred and not (pkeys & all_gold_keys)]
    missed = [str(label) for gi, (label, _) in enumerate(golds) if gi not in matched_gold]
    return Counts(len(matched_gold), len(spurious), len(missed)), missed, spurious


def _money_close(amount: float, currency: str, gold: Mapping[str, Any]) -> bool:
    if currency != gold.get("currency"):
        return False
    target = float(gold["amount"])
    return abs(float(amount) - target) <= MONEY_TOLERANCE * abs(target)


def _match_money(pred_items: Iterable[Any], gold_items: Sequence[Mapping[str, Any]]):
    preds: list[tuple[float, str]] = []
    for item in pred_items:
        key = (float(_get(item, "amount")), str(_get(item, "currency")))
        if key not in preds:
            preds.append(key)
    used_pred: set[int] = set()
    matched_gold: set[int] = set()
    for gi, gold in enumerate(gold_items):
        for pi, (amount, currency) in enumerate(preds):
            if pi not in used_pred and _money_close(amount, currency, gold):
                used_pred.add(pi)
                matched_gold.add(gi)
                break
    spurious = [f"{amount:g} {currency}" for pi, (amount, currency) in enumerate(preds)
                if pi not in used_pred and not any(_money_close(amount, currency, g)
                                                   for g in gold_items)]
    missed = [f"{g['text']} = {float(g['amount']):g} {g['currency']}"
              for gi, g in enumerate(gold_items) if gi not in matched_gold]
    return Counts(len(matched_gold), len(spurious), len(missed)), missed, spurious


def _match_countries(pred_places: Iterable[Any], gold_places: Sequence[Mapping[str, Any]]):
    pred = {c for c in (_get(p, "country") for p in pred_places) if c}
    gold = {g["country"] for g in gold_places if g.get("country")}
    return (Counts(len(pred & gold), len(pred - gold), len(gold - pred)),
            sorted(gold - pred), sorted(pred - gold))


def score_article(pred: Any, gold: Mapping[str, Any]):
    """Per type: (Counts, missed gold, spurious predictions) for one article."""
    places = _entities_part(pred, "places")
    return {
        "places": _match_named(places, gold.get("places", [])),
        "countries": _match_countries(places, gold.get("places", [])),
        "orgs": _match_named(_entities_part(pred, "orgs"), gold.get("orgs", [])),
        "money": _match_money(_entities_part(pred, "money"), gold.get("money", [])),
    }


def score(predictions: Sequence[Any], golds: Sequence[Mapping[str, Any]]) -> Report:
    """Totals over articles; predictions[i] belongs to golds[i]."""
    if len(predictions) != len(golds):
        raise ValueError(f"{len(predictions)} predictions for {len(golds)} gold articles")
    report = Report()
    for pred, gold in zip(predictions, golds):
        per_type = score_article(pred, gold)
        report.errors[gold["id"]] = {}
        for kind, (counts, missed, spurious) in per_type.items():
            report.totals[kind].add(counts)
            if missed or spurious:
                report.errors[gold["id"]][kind] = (missed, spurious)
    return report


def evaluate(extract: Callable[[str, str | None], Any],
             golds: Sequence[Mapping[str, Any]]) -> Report:
    """Run extract(text, lang) on every gold article and score it."""
    return score([extract(g["text"], g.get("lang")) for g in golds], golds)


def errors_text(report: Report, kinds: Sequence[str] = TYPES) -> str:
    """Readable misses and spurious predictions, for failure messages."""
    lines = []
    for aid, per_type in sorted(report.errors.items()):
        for kind in kinds:
            if kind in per_type:
                missed, spurious = per_type[kind]
                lines.append(f"{aid} {kind}: missed {missed} spurious {spurious}")
    return "\n".join(lines)


def load_predictions(directory: str | Path, golds: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Predictions saved as <id>.json, each the output of `scamscope extract --json`
    (entities under "entities") or a bare entities object; None where a file is missing."""
    directory = Path(directory)
    out: list[Any] = []
    for gold in golds:
        path = directory / f"{gold['id']}.json"
        if not path.exists():
            out.append(None)
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        out.append(data.get("entities", data) if isinstance(data, Mapping) else None)
    return out


# --------------------------------------------------------------------------
# Article bodies: bag-of-tokens P/R/F1 of extracted text against a ground truth

# A word of a spaced script, or one character of an unspaced one (Thai, Lao, Khmer,
# Myanmar, kana, CJK), so a Chinese paragraph is not scored as one giant token.
# One alternation of single character classes: linear on any input.
_UNSPACED = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
_BODY_TOKEN = re.compile(f"[{_UNSPACED}]|[^\\W{_UNSPACED}]+")


def body_tokens(text: str | None) -> list[str]:
    return _BODY_TOKEN.findall(unicodedata.normalize("NFKC", text or "").casefold())


def body_prf(predicted: str | None, truth: str | None) -> tuple[float, float, float]:
    """Precision, recall and F1 of the predicted body's tokens (as a multiset) against the
    true body's. Empty against empty is perfect; anything against empty scores 0."""
    pred, gold = Counter(body_tokens(predicted)), Counter(body_tokens(truth))
    if not pred and not gold:
        return 1.0, 1.0, 1.0
    common = sum((pred & gold).values())
    if not common:
        return 0.0, 0.0, 0.0
    p, r = common / sum(pred.values()), common / sum(gold.values())
    return p, r, 2 * p * r / (p + r)


def main(argv: Sequence[str] | None = None) -> int:
    """Score saved predictions against a gold directory (both as described above).

    python -m nlp.evaluate GOLD_DIR PREDICTIONS_DIR [--errors]
    e.g. after `scamscope extract page.html --url URL --lang fr --json > preds/<id>.json`.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m nlp.evaluate",
                                     description="P/R/F1 per entity type of saved predictions")
    parser.add_argument("gold", help="directory of gold *.json / *.jsonl (labels; text optional)")
    parser.add_argument("predictions", help="directory of <id>.json predictions")
    parser.add_argument("--errors", action="store_true", help="list misses and spurious entities")
    args = parser.parse_args(argv)
    golds = load_gold(args.gold)
    if not golds:
        print(f"no gold articles in {args.gold}")
        return 2
    predictions = load_predictions(args.predictions, golds)
    missing = [g["id"] for g, p in zip(golds, predictions) if p is None]
    report = score(predictions, golds)
    print(f"{len(golds)} gold articles, {len(golds) - len(missing)} with predictions")
    if missing:
        print(f"missing predictions (scored as empty): {', '.join(missing)}")
    print(report.table())
    if args.errors:
        print("\n" + errors_text(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
