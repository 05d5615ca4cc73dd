"""Typed exceptions of the crawler; the app shell turns them into one-line messages."""
from __future__ import annotations


class CrawlerError(Exception):
    """Base of every error the crawler raises on purpose."""


class CatalogueError(CrawlerError):
    """A source catalogue (or a user's [[sources]] entry) is malformed.

    The message is one line naming the entry and the problem.
    """


class UnknownSource(CrawlerError):
    """A source name that is not in the catalogue."""


class CrawlAlreadyRan(CrawlerError):
    """Twisted's reactor cannot restart: one crawl per process."""
