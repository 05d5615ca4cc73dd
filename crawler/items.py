"""What the spiders pass around: links found in feeds, sitemaps and listing pages.

The item a crawl yields for each fetched article is nlp.records.Page itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class Link:
    """An article link as a feed entry, sitemap <url> or listing page showed it."""

    url: str
    title: str | None = None
    published: datetime | None = None
    lang: str | None = None
    modified: datetime | None = None  # a sitemap's <lastmod>: not a publication date


@dataclass(frozen=True)
class Settled:
    """What became of a page the crawl handed to the sink.

    stored: its fate is durable (indexed, spooled, unchanged, or recorded as
    not an article), so the crawl state may mark it done. Otherwise reason
    says why it was not (pipeline_error, interrupted...) and the page is
    fetched again on the next crawl.
    """

    url: str
    stored: bool
    reason: str = ""
