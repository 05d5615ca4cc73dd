"""The nlp stage's entry point: fetched pages in, understood articles (or reasons) out.

    analyzer = Analyzer(NlpOptions(...))
    for result in analyzer.analyze(pages):      # list[Page]
        Article -> index it;  Rejected -> count result.reason

Per batch: extract every page (trafilatura fast mode), then run spaCy NER once
per language over all of the batch's texts (nlp.pipe), then the gazetteers,
money, relevance and the near-duplicate signature.

Identity (documented choice):
- Article.id is article_id(page.url), the URL we asked for (as the feed or
  sitemap listed it). Re-crawls of the same listing and the crawler's
  "already indexed?" check (which only knows the listed URL) land on the same id.
- Article.url is the canonical final URL after redirects when the redirect stayed
  on the same site (www. ignored) and did not end on the site's front page
  (a consent wall, a removed article); otherwise the canonical requested URL.
- fetched_url / final_url keep both raw URLs for provenance.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, Sequence
from urllib.parse import urlsplit

from nlp.entities import SPACY_MAX_CHARS, EntityExtractor
from nlp.errors import ExtractionError
from nlp.extract import Extracted, extract_page
from nlp.gazetteer import tokenize
from nlp.identity import article_id, canonical_url, content_hash
from nlp.language import load_identifier
from nlp.options import NlpOptions
from nlp.records import Article, Page, utcnow
from nlp.relevance import default_lexicon

log = logging.getLogger(__name__)


@dataclass
class Rejected:
    """A page that is not an article, and why (ExtractionError reasons)."""

    url: str
    reason: str
    detail: str = ""
    final_url: str = ""


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


# Country-code TLDs sold as generic names (.co, .io, .tv ...): they say nothing
# about where a site publishes.
_GENERIC_CCTLDS = {"co", "io", "me", "tv", "ai", "fm", "ly", "cc", "ws", "to", "gg", "am",
                   "la", "is", "it", "so", "sh", "ac", "eu", "su", "st", "vc", "nu", "tk"}


def source_country(page: Page) -> str:
    """The catalogue source's country, else the site's country-code TLD ("" if neither)."""
    if page.country:
        return page.country.upper()
    host = (urlsplit(page.final_url or page.url).hostname or "").lower()
    tld = host.rpartition(".")[2]
    if len(tld) == 2 and tld.isalpha() and tld not in _GENERIC_CCTLDS:
        return "GB" if tld == "uk" else tld.upper()
    return ""


def article_url(requested: str, final: str | None) -> str:
    """The canonical URL an article is shown under (see the module docstring)."""
    if not final or final == requested:
        return canonical_url(requested)
    final_path = urlsplit(final).path.strip("/")
    requested_path = urlsplit(requested).path.strip("/")
    if _site(final) == _site(requested) and (final_path or not requested_path):
        return canonical_url(final)
    return canonical_url(requested)


class Analyzer:
    """Pages -> Articles. Holds the loaded models and gazetteers; reuse one per process."""

    def __init__(self, options: NlpOptions | None = None) -> None:
        self.options = options or NlpOptions()
        self.entities = EntityExtractor(self.options)
        load_identifier(self.options.cache_dir or None)
        self.lexicon = default_lexicon()

    def warm_up(self) -> None:
        """Load every configured model now rather than on the first page."""
        for lang in self.options.models:
            self.entities.model(lang)

    # -- entry points ----------------------------------------------------
    def analyze(self, pages: Sequence[Page], lang: str | None = None,
                progress: Callable[[], None] | None = None) -> list[Article | Rejected]:
        """One result per page, in order. lang forces the language of every page.

        progress, if given, is called before each page is extracted (nlp/workers.py
        counts its deadline from the last call)."""
        extracted: list[Extracted | Rejected] = []
        for page in pages:
            if progress is not None:
                progress()
            try:
                extracted.append(extract_page(page, min_chars=self.options.min_text_chars,
                                              lang=lang))
            except ExtractionError as exc:
                log.debug("not an article: %s (%s)", page.url, exc)
                extracted.append(Rejected(page.url, exc.reason, exc.detail, page.final_url))
        good = [(i, e) for i, e in enumerate(extracted) if isinstance(e, Extracted)]
        results: list[Article | Rejected] = list(extracted)  # type: ignore[arg-type]
        try:
            articles: list[Article | Rejected] = list(
                self._understand([(pages[i], e) for i, e in good]))
        except Exception:  # a model or rule choking on one text must not lose the batch
            log.exception("analysis of a batch failed; analysing its pages one by one")
            articles = [self._understand_one(pages[i], e) for i, e in good]
        for (i, _), article in zip(good, articles):
            results[i] = article
        return results

    def _understand_one(self, page: Page, extracted: Extracted) -> Article | Rejected:
        try:
            return self._understand([(page, extracted)])[0]
        except Exception as exc:
            log.exception("analysis failed: %s", page.url)
            return Rejected(page.url, "analysis_error", f"{type(exc).__name__}: {exc}",
                            page.final_url)

    # -- work ------------------------------------------------------------
    def _understand(self, items: list[tuple[Page, Extracted]]) -> list[Article]:
        if not items:
            return []
        limit = min(self.options.max_text_chars, SPACY_MAX_CHARS)
        tokens = [tokenize(e.text[:limit]) for _, e in items]
        all_entities = self.entities.extract_many(
            [(e.text, e.lang, source_country(p)) for p, e in items], tokens)
        articles = []
        for (page, ext), toks, entities in zip(items, tokens, all_entities):
            aid = article_id(page.url)
            articles.append(Article(
                id=aid,
                url=article_url(page.url, page.final_url),
                title=ext.title,
                text=ext.text,
                lang=ext.lang,
                published=ext.published,
                source=page.source,
                fetched_url=page.url,
                final_url=page.final_url or page.url,
                fetched_at=page.fetched_at or utcnow(),
                status=page.status,
                content_hash=content_hash(ext.text),
                # each article is its own story until the app shell's StoryGrouper
                # (persistent, across crawls) finds it is a copy of an earlier one
                story_id=aid,
                entities=entities,
                relevance=self.lexicon.score(ext.text[:limit], ext.title, toks),
            ))
        return articles

