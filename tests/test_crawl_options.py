"""Settings map onto the crawler's options; the defaults are the polite ones."""
from __future__ import annotations

import dataclasses

from crawler.options import CrawlOptions
from crawler.settings import scrapy_settings
from scamscope.config import load_settings
from scamscope.crawling import STATE_FILE, crawl_options


def test_settings_become_crawl_options(tmp_path):
    settings = load_settings(env={}, overrides={"data_dir": str(tmp_path)})
    settings.contact_url = "https://example.org/crawler-info"
    settings.concurrent_per_domain = 3
    settings.max_retry_after = 42.0
    options = crawl_options(settings, timeout=7.0)
    assert "+https://example.org/crawler-info" in options.user_agent
    assert options.user_agent.startswith("scamscope/")
    assert options.concurrent_per_domain == 3 and options.max_retry_after == 42.0
    assert options.timeout == 7.0
    assert options.state_path == str(tmp_path / STATE_FILE)
    assert options.obey_robots and options.autothrottle


def test_polite_defaults():
    defaults = CrawlOptions()
    assert defaults.concurrent_per_domain == 2 and defaults.obey_robots
    scrapy = scrapy_settings(defaults)
    assert scrapy["ROBOTSTXT_OBEY"] and scrapy["AUTOTHROTTLE_ENABLED"]
    assert scrapy["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2
    assert scrapy["DOWNLOAD_MAXSIZE"] == defaults.max_page_bytes
    assert scrapy["DOWNLOAD_HANDLERS"]["file"] is None  # no file:// from a feed's links
    assert scrapy["USER_AGENT"] == defaults.user_agent
    assert {f.name for f in dataclasses.fields(CrawlOptions)} >= {
        "user_agent", "obey_robots", "concurrent_per_domain", "concurrent_requests",
        "download_delay", "autothrottle", "timeout", "max_page_bytes", "retries",
        "max_retry_after", "allow_private_addresses", "max_pages_per_source",
        "state_path"}
    # The revisit window is the sink's (pipeline.build_sink), not the crawler's.
    assert "revisit_days" not in {f.name for f in dataclasses.fields(CrawlOptions)}
