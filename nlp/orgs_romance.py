"""Organisations named by structure in Spanish and French text.

- companies by their legal form: "Servicios Globales Atlas S.A. de C.V.", "Horizon
  Conseil SAS", "Inversiones Pacífico Sur S.L.", "Alpes Digital Sàrl";
- French institutions written with a lowercase head, which no capitalisation rule
  sees: "parquet de Paris", "tribunal judiciaire de Paris", "police cantonale
  vaudoise", "gendarmerie nationale".

Both walk the token list once with a bounded look-ahead per token, so the work per
text is linear (no regex here reads page text).
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from nlp.gazetteer import casekey, data_rows, tokenize

DATA = Path(__file__).parent / "data"
_MAX_NAME_WORDS = 6
_MAX_FORM_TOKENS = 12  # "S . de R . L . de C . V ." is 11 tokens
_NAME_LINKS = frozenset("de del y e & et du des da do".split())
_DETERMINERS = frozenset("La El Los Las Le Les L".split())


@lru_cache(maxsize=1)
def _rules() -> dict:
    with (DATA / "org_heads_romance.toml").open("rb") as fh:
        return tomllib.load(fh)


def extra_latin_heads() -> frozenset[str]:
    """Spanish head words (Juzgado, Contraloría...) for the Latin head-word pattern."""
    return frozenset(_rules()["es"]["heads"].split())


def topic_heads() -> frozenset[str]:
    """Head words that, after "de", are the topic of a name, not a second body."""
    return frozenset(_rules()["es"]["topic_heads"].split())


def keeps_place_suffix(name: str) -> bool:
    """Whether a name keeps the country or city it ends with: "Banco de Crédito del
    Perú", "Fiscalía General del Estado de Ecuador" do; a ministry does not
    ("Secretaría de Relaciones Exteriores de México" is the SRE)."""
    first = name.split(" ", 1)[0]
    if first in ("Juzgado", "Juzgados") and not any(c.isdigit() for c in name) \
            and " número " not in name:
        return True  # "Juzgado de Garantía de Santiago": the seat is the court's name
    return first not in _rules()["es"]["place_dropped_after"]


# --- companies by legal form --------------------------------------------------

@lru_cache(maxsize=1)
def _forms() -> tuple[frozenset[str], frozenset[str], int]:
    c = _rules()["companies"]
    forms = frozenset(c["forms"])
    return forms, frozenset(c["weak"]), max(map(len, forms))


def _form_at(text: str, tokens, i: int) -> tuple[int, bool] | None:
    """(index of the form's last token, whether it was dotted) for a legal form
    starting at token i, the longest one that matches."""
    forms, _, longest = _forms()
    if not tokens[i][0][:1].isupper():
        return None
    key, best, dotted = "", None, False
    for j in range(i, min(len(tokens), i + _MAX_FORM_TOKENS)):
        word, start, _ = tokens[j]
        if j > i and start != tokens[j - 1][2] and word != "de" and tokens[j - 1][0] != "de":
            break  # a form is written without inner spaces, except around "de"
        if word == ".":
            if key in forms and dotted:  # "S.L." keeps its last dot; "SA." ends a sentence
                best = (j, dotted)
            dotted = True
            continue
        key += word
        if len(key) > longest:
            break
        if key in forms:
            best = (j, dotted)
    return best


def company_orgs(text: str, tokens=None) -> list[tuple[int, int, str]]:
    """(start, end, text) of companies named with a Spanish/French legal form."""
    tokens = tokenize(text) if tokens is None else tokens
    _, weak, _ = _forms()
    out: list[tuple[int, int, str]] = []
    i, n, floor = 1, len(tokens), 0  # floor: a name never reaches into the previous one
    while i < n:
        found = _form_at(text, tokens, i)
        if found is None:
            i += 1
            continue
        last, dotted = found
        j = i - 1
        if tokens[j][0] == "," and j > 0:
            j -= 1
        words = []
        while j >= floor and len(words) < _MAX_NAME_WORDS:
            w = tokens[j][0]
            if "\n" in text[tokens[j][2]:tokens[j + 1][1]]:
                break
            if w[:1].isupper() or w.isdigit():
                words.append(j)
            elif not (w in _NAME_LINKS and words):
                break
            j -= 1
        while words and tokens[words[-1]][0] in _DETERMINERS:
            words.pop()
        form = text[tokens[i][1]:tokens[last][2]]
        if words and (len(words) >= 2 or form.replace(".", "").replace(" ", "") not in weak
                      or dotted):
            start = tokens[words[-1]][1]
            end = tokens[last][2]
            out.append((start, end, text[start:end]))
        i = floor = last + 1
    return out


# --- French institutions with a lowercase head --------------------------------

@lru_cache(maxsize=1)
def _fr() -> tuple[dict[str, list[list[str]]], frozenset[str], frozenset[str], frozenset[str]]:
    fr = _rules()["fr"]
    quals = {casekey(head): sorted(([casekey(t) for t, _, _ in tokenize(q)] for q in qs),
                                   key=len, reverse=True)
             for head, qs in fr["qualifiers"].items()}
    rules = fr["rules"]
    adjectives = {casekey(a) for a in rules["adjectives"]}
    for row in data_rows(DATA / "nationalities.tsv"):
        if len(row) >= 3:
            adjectives.update(casekey(f) for f in row[2].split("|") if f[:1].islower()
                              and " " not in f)
    no_place = frozenset(casekey(q) for q in rules["no_place_after"])
    return quals, frozenset(casekey(h) for h in rules["place_after"]), no_place, \
        frozenset(adjectives)


@lru_cache(maxsize=1)
def _seat_alone() -> frozenset[str]:
    return frozenset(casekey(h) for h in _rules()["fr"]["rules"]["seat_alone"])


def _match_words(tokens, i: int, words: list[str]) -> int | None:
    """Index after `words` when they follow token i-1 exactly, else None."""
    if i + len(words) > len(tokens):
        return None
    for k, w in enumerate(words):
        if casekey(tokens[i + k][0]) != w:
            return None
    return i + len(words)


def _seat_end(text: str, tokens, i: int) -> int | None:
    """Index after "de Paris", "du Québec", "de l'Isère" at token i, else None."""
    n = len(tokens)
    if i >= n or casekey(tokens[i][0]) not in ("de", "du", "des", "d"):
        return None
    j = i + 1
    while j < n and tokens[j][0] in ("'", "la", "l"):
        j += 1
    end = None
    while j < n and tokens[j][0][:1].isupper() and j - i <= 4:
        if "\n" in text[tokens[j - 1][2]:tokens[j][1]]:
            break
        j += 1
        end = j
        if j < n and tokens[j][0] == "-" and j + 1 < n:  # "Clermont-Ferrand"
            j += 1
    return end


def french_lower_orgs(text: str, tokens=None) -> list[tuple[int, int, str]]:
    """(start, end, text) of "parquet de Paris", "police judiciaire", "tribunal de
    grande instance de Dakar", "police cantonale vaudoise"."""
    tokens = tokenize(text) if tokens is None else tokens
    quals, place_after, no_place, adjectives = _fr()
    seat_alone = _seat_alone()
    out: list[tuple[int, int, str]] = []
    i, n = 0, len(tokens)
    while i < n:
        head = casekey(tokens[i][0])
        if head not in quals:
            i += 1
            continue
        end, qual = None, None
        for q in quals[head]:
            end = _match_words(tokens, i + 1, q)
            if end is not None:
                qual = " ".join(q)
                break
        if end is not None and end < n and (casekey(tokens[end][0]) in adjectives
                                            or _demonym(casekey(tokens[end][0]))):
            end += 1  # "police nationale malgache", "police cantonale vaudoise"
        elif (head in place_after and qual is not None and qual not in no_place) \
                or (head in seat_alone and qual is None):
            seat = _seat_end(text, tokens, end if end is not None else i + 1)
            end = seat or end
        if end is None:
            i += 1
            continue
        start, stop = tokens[tokens_before_direction(tokens, i)][1], tokens[end - 1][2]
        out.append((start, stop, text[start:stop]))
        i = end
    return out


_DIRECTIONS = frozenset(("direction", "sous-direction"))
_DIRECTION_KINDS = frozenset(("générale", "centrale", "régionale", "interrégionale",
                              "départementale", "zonale", "territoriale"))


def tokens_before_direction(tokens, i: int) -> int:
    """Where a body begins that a lowercase head belongs to: "Direction (centrale) de la
    police judiciaire" is one directorate, not the judicial police."""
    if i < 3 or casekey(tokens[i - 1][0]) != "la" or casekey(tokens[i - 2][0]) != "de":
        return i
    k = i - 3
    if casekey(tokens[k][0]) in _DIRECTION_KINDS and k > 0:
        k -= 1
    if k > 1 and tokens[k][0] == "direction" and tokens[k - 1][0] == "-" \
            and casekey(tokens[k - 2][0]) == "sous":
        k -= 2  # the tokenizer splits "Sous-direction"
    return k if casekey(tokens[k][0]) in _DIRECTIONS or casekey(tokens[k][0]) == "sous" else i


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, str]:
    """Lowercase French/Spanish nationality adjective -> English demonym."""
    out = {}
    for row in data_rows(DATA / "nationalities.tsv"):
        if len(row) >= 3:
            out.update((casekey(f), row[1]) for f in row[2].split("|") if f[:1].islower())
    out.update((casekey(k), v) for k, v in _rules()["fr"]["demonyms"].items())
    return out


_FEMININE = (("ienne", "ien"), ("aise", "ais"), ("oise", "ois"), ("aine", "ain"), ("ne", "n"),
             ("e", ""))


def _demonym(adjective: str) -> str | None:
    """The English demonym of a French adjective in any gender or number ("ivoiriennes")."""
    table = _demonyms()
    adjective = adjective.removesuffix("s") if adjective not in table else adjective
    if adjective in table:
        return table[adjective]
    for fem, masc in _FEMININE:
        if adjective.endswith(fem) and adjective[:-len(fem)] + masc in table:
            return table[adjective[:-len(fem)] + masc]
    return None


def english_name(surface: str) -> str | None:
    """"police nationale malgache" -> "Malagasy National Police"; None for a body
    without a nationality ("police nationale", "police cantonale vaudoise")."""
    body, _, adjective = surface.rpartition(" ")
    demonym = _demonym(casekey(adjective))
    english = {casekey(k): v for k, v in _rules()["fr"]["english"].items()}.get(casekey(body))
    return f"{demonym} {english}" if demonym and english else None


def romance_orgs(text: str, tokens, lang: str | None) -> list[tuple[int, int, str, str]]:
    """(start, end, text, English name or "") of companies by legal form (es, fr, pt,
    it) and, in French, lowercase-head bodies."""
    if lang not in ("es", "fr", "pt", "it", "ca"):
        return []
    out = [(s, e, t, "") for s, e, t in company_orgs(text, tokens)]
    if lang == "fr":
        out += [(s, e, t, english_name(t) or "") for s, e, t in french_lower_orgs(text, tokens)]
        out += french_ministries(text, tokens)
    return out


# --- ministries by portfolio ---------------------------------------------------------

# A ministry's portfolio words -> the gold set's generic English name, whatever the
# country or the other portfolios it holds ("ministère de l'Intégration africaine et des
# Affaires étrangères" is Senegal's foreign ministry).
_PORTFOLIOS = (
    (("affaires", "étrangères"), "Ministry of Foreign Affairs"),
    (("relations", "extérieures"), "Ministry of Foreign Affairs"),
    (("relaciones", "exteriores"), "Ministry of Foreign Affairs"),
    (("asuntos", "exteriores"), "Ministry of Foreign Affairs"),
)
_MINISTRY_HEADS = frozenset(("ministère", "Ministère", "ministerio", "Ministerio"))
_MINISTRY_LINKS = frozenset(("de", "des", "du", "la", "l", "'", "’", "et", ",", "y", "del", "e"))
_MINISTRY_MAX = 16


def ministry_name(name: str) -> str | None:
    """The generic English name of a ministry named by its portfolios, or None."""
    words = [w.strip(",").lower() for w in name.replace("'", " ").replace("’", " ").split()]
    if not words or words[0] not in ("ministère", "ministerio"):
        return None
    for portfolio, english in _PORTFOLIOS:
        if any(tuple(words[i:i + len(portfolio)]) == portfolio for i in range(len(words))):
            return english
    return None


def french_ministries(text: str, tokens) -> list[tuple[int, int, str, str]]:
    """(start, end, text, English name) of "ministère de/des ..." names that hold a known
    portfolio: the name runs over capitalised words, links and the lowercase word right
    after a capitalised one ("Affaires étrangères"), up to the portfolio's last word."""
    out = []
    for i in [i for i, t in enumerate(tokens) if t[0] in _MINISTRY_HEADS]:
        last_portfolio, prev_cap = None, False
        for j in range(i + 1, min(len(tokens), i + _MINISTRY_MAX)):
            w = tokens[j][0]
            if w[:1].isupper():
                prev_cap = True
            elif w in _MINISTRY_LINKS:
                prev_cap = False
            elif prev_cap and w.isalpha():
                prev_cap = False  # "Affaires étrangères", "Intégration africaine"
            else:
                break
            low = w.lower()
            for portfolio, english in _PORTFOLIOS:
                if low == portfolio[-1] and j >= 1 and tokens[j - 1][0].lower() == portfolio[0]:
                    last_portfolio = (j, english)
        if last_portfolio:
            j, english = last_portfolio
            start, end = tokens[i][1], tokens[j][2]
            out.append((start, end, text[start:end], english))
    return out
