"""Library errors reach the user as one line with an exit code scripts can trust."""
from __future__ import annotations

import pytest

from alerts.errors import DeliveryError, InvalidEmail
from crawler.errors import CatalogueError
from indexer.errors import IndexError_, IndexUnavailable, QuerySyntaxError
from nlp.errors import ExtractionError
from scamscope.errors import translate


@pytest.mark.parametrize("exc, code", [
    (QuerySyntaxError("unclosed quote"), 2),
    (IndexUnavailable("cluster down"), 1),
    (IndexError_("the cluster refused the mapping"), 1),
    (DeliveryError("SMTP refused"), 1),
    (InvalidEmail("not an address"), 2),
    (CatalogueError("source 'x': bad type"), 2),
    (ExtractionError("no_text"), 1),
])
def test_typed_library_errors_become_user_errors(exc, code):
    user = translate(exc)
    assert user is not None and user.exit_code == code and str(exc) in str(user)


def test_unexpected_errors_are_not_hidden():
    assert translate(RuntimeError("bug")) is None


def test_unreachable_cluster_is_one_line_exit_1(cli, closed_port):
    result = cli("--index", f"http://127.0.0.1:{closed_port}", "search", "scam", timeout=120)
    assert result.code == 1, result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
