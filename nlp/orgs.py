"""Organisations: canonical names across languages and acronyms, from an alias table.

nlp/data/orgs.tsv maps every alias (UN, U.N., Nations unies, Naciones Unidas, 联合国...)
to one canonical name; more tables in the same format can be added. spaCy ORG
spans that are not in the table keep their surface form as name once obvious
junk (nationalities, places, dates, lowercase fragments...) is filtered out.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from nlp.gazetteer import Gazetteer, Match, data_rows

DATA = Path(__file__).parent / "data"

_LEADING = re.compile(r"^(?:the|The|THE|l'|L'|la|La|le|Le|les|Les|el|El|los|Los)\s+|^[lL]['’]")
_TRAILING = re.compile(r"(?:['’]s|['’])$")
_JUNK = re.compile(r"^[\W\d_]+$|^\d|https?://|www\.|@|\n")
_GENERIC = {"Government", "Ministry", "Police", "Court", "Army", "Department", "Office", "Agency",
            "Company", "Group", "Bank", "Parliament", "Senate", "Council", "Commission", "Embassy",
            "Mr", "Ms", "Mrs", "Dr", "AFP", "Covid", "COVID-19", "Covid-19", "COVID", "Photo",
            "Image", "Getty Images", "File", "Read", "Click", "Subscribe", "Advertisement",
            "Copyright", "Updated", "Published", "Share", "Follow", "Selon", "Según",
            "Crypto", "Bitcoin", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
            "Saturday", "Sunday"}


class OrgTable:
    """Alias table: finds known organisations in text and canonicalises names."""

    def __init__(self, extra_files: Iterable[str | os.PathLike] = ()) -> None:
        self.gazetteer: Gazetteer[str] = Gazetteer()
        self.canonical: set[str] = set()
        for path in extra_files:
            self._load(Path(path))
        self._load(DATA / "orgs.tsv")

    def _load(self, path: Path) -> None:
        for row in data_rows(path):
            name, aliases = row[0].strip(), (row + [""])[1]
            self.canonical.add(name)
            for alias in [name, *aliases.split("|")]:
                self.gazetteer.add(alias, name)
                # "police thaïlandaise" at the start of a sentence
                if alias and alias[0].islower():
                    self.gazetteer.add(alias[0].upper() + alias[1:], name)

    def find(self, text: str, tokens=None) -> list[Match[str]]:
        return self.gazetteer.find(text, tokens)

    def lookup(self, surface: str) -> str | None:
        """The canonical name of a whole surface form, or None when it is not in the table."""
        name = self.gazetteer.get(surface)
        if name is None:
            stripped = _TRAILING.sub("", _LEADING.sub("", surface.strip()))
            if stripped != surface:
                name = self.gazetteer.get(stripped)
        return name


def clean_org_surface(surface: str) -> str | None:
    """A spaCy ORG span's text tidied, or None when it is obviously not an organisation."""
    text = " ".join(surface.split())
    text = _TRAILING.sub("", _LEADING.sub("", text)).strip(" -–,.;:\"'«»“”()[]")
    if len(text) < 2 or len(text) > 80 or _JUNK.search(text):
        return None
    if text in _GENERIC or not any(c.isupper() for c in text[:1] + "".join(
            w[:1] for w in text.split())):
        return None
    if len(text.split()) > 8:
        return None
    return text


@lru_cache(maxsize=4)
def default_orgs(extra_files: tuple[str, ...] = ()) -> OrgTable:
    return OrgTable(extra_files)
