"""User-facing errors and the one place where library exceptions become messages."""
from __future__ import annotations


class UserError(Exception):
    """Something the user can fix; printed as one line, never as a traceback."""

    exit_code = 2


class JobFailed(UserError):
    """The job ran but did not succeed (nothing fetched, mail still pending...)."""

    exit_code = 1


def translate(exc: Exception) -> UserError | None:
    """Map a typed library exception to a user error, or None to let it propagate.

    Commands catch what they can explain better themselves; this is the net
    under them, so a library's typed error is never a traceback.
    """
    from alerts.errors import AlertError, DeliveryError, UnknownSubscription
    from crawler.errors import CrawlAlreadyRan, CrawlerError
    from indexer.errors import BadIndexURL, IndexError_, QuerySyntaxError
    from nlp.errors import ModelUnavailable, NlpError

    if isinstance(exc, (QuerySyntaxError, BadIndexURL)):
        return UserError(str(exc))
    if isinstance(exc, IndexError_):  # unavailable, or the cluster refused the work
        return JobFailed(str(exc))
    if isinstance(exc, (DeliveryError, UnknownSubscription, CrawlAlreadyRan, ModelUnavailable)):
        return JobFailed(str(exc))
    if isinstance(exc, (AlertError, CrawlerError)):  # bad subscription, catalogue, mail config
        return UserError(str(exc))
    if isinstance(exc, NlpError):
        return JobFailed(str(exc))
    return None
