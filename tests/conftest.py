"""Test harness: every fixture module in tests/fixtures/ is loaded as a plugin.

Each area keeps its real servers and builders in its own module there (HTTP
test site, SMTP server, indexes, search cluster, CLI runner), so the suite's
fixtures read like the parts they stand up.
"""
from pathlib import Path

pytest_plugins = sorted(
    f"tests.fixtures.{path.stem}"
    for path in (Path(__file__).parent / "fixtures").glob("*.py")
    if path.stem != "__init__"
)
