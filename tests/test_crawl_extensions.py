"""A scheduled crawl loads only the Scrapy extensions it uses (issue 12: <= 1 s of CPU
per crawl): the ones that are off anyway are never imported, the ones it needs remain."""
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
from scrapy.extension import ExtensionManager
from scrapy.settings import Settings
from crawler.options import CrawlOptions
from crawler.settings import scrapy_settings
names = ExtensionManager._get_mwlist_from_settings(Settings(scrapy_settings(CrawlOptions())))
print(json.dumps({"extensions": names, "aiohttp": "aiohttp" in sys.modules,
                  "remote_control": "scrapy.extensions.remote_control" in sys.modules}))
"""


def _probe() -> dict:
    import json
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True,
                         text=True, check=True, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    return json.loads(out.stdout)


def test_a_crawl_never_imports_the_extensions_it_has_turned_off():
    probe = _probe()
    assert probe["aiohttp"] is False and probe["remote_control"] is False
    assert not any(name.endswith(("TelnetConsole", "RemoteControl", "FeedExporter",
                                  "MemoryDebugger")) for name in probe["extensions"])


def test_a_crawl_keeps_the_extensions_it_relies_on():
    names = set(_probe()["extensions"])
    for needed in ("scrapy.extensions.corestats.CoreStats", "scrapy.extensions.logstats.LogStats",
                   "scrapy.extensions.closespider.CloseSpider",
                   "crawler.middlewares.PoliteAutoThrottle"):
        assert needed in names
    assert "scrapy.extensions.throttle.AutoThrottle" not in names
