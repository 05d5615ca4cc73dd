"""User-facing errors and the one place where library exceptions become messages."""
from __future__ import annotations


class UserError(Exception):
    """Something the user can fix; printed as one line, never as a traceback."""

    exit_code = 2


class JobFailed(UserError):
    """The job ran but did not succeed (nothing fetched, mail still pending...)."""

    exit_code = 1


def translate(exc: Exception) -> UserError | None:
    """Map a typed library exception to a user error, or None to let it propagate."""
    from indexer.errors import BadIndexURL, IndexUnavailable, QuerySyntaxError

    if isinstance(exc, (QuerySyntaxError, BadIndexURL)):
        return UserError(str(exc))
    if isinstance(exc, IndexUnavailable):
        return JobFailed(str(exc))
    return None
