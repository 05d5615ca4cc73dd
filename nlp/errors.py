"""Typed exceptions of the nlp stage (the app shell turns them into messages)."""
from __future__ import annotations


class NlpError(Exception):
    """Base class of the nlp stage's errors."""


class ExtractionError(NlpError):
    """A page that is not an extractable article.

    reason is a short stable code counted in crawl summaries:
    http_status, not_html, empty, bad_encoding, no_text, too_short
    (and Analyzer.analyze adds analysis_error for a page whose text broke a later step).
    """

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


class ModelUnavailable(NlpError):
    """None of the spaCy models configured for a language is installed."""

    def __init__(self, lang: str, names: tuple[str, ...]):
        self.lang = lang
        self.names = names
        super().__init__(f"no spaCy model installed for {lang!r} (tried {', '.join(names)}); "
                         f"install one, e.g. pip install {names[-1].replace('_', '-')}")
