"""Typed errors raised by the index layer; the CLI and web turn them into user messages."""


class IndexError_(Exception):
    """Base class for every error the indexer raises."""


class QuerySyntaxError(IndexError_, ValueError):
    """The user's query string cannot be parsed. The message is meant for the user."""


class IndexUnavailable(IndexError_):
    """The index cannot be reached or opened (cluster down, file unreadable)."""


class BadIndexURL(IndexError_, ValueError):
    """An --index URL we do not understand."""
