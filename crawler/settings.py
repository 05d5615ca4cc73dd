"""Scrapy settings of scamscope's crawler.

The module-level names are the static defaults (scrapy.cfg points here, so the
`scrapy` tool finds them); scrapy_settings() adds what comes from CrawlOptions
for one crawl.
"""
from __future__ import annotations

from typing import Any, Iterable

from scrapy.settings import default_settings as _default_settings

from crawler.options import CrawlOptions

BOT_NAME = "scamscope"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

ROBOTSTXT_OBEY = True
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_INSTALL_ROOT_HANDLER = False  # the application configures logging, not the library
LOG_LEVEL = "INFO"
RETRY_GIVE_UP_LOG_LEVEL = "INFO"  # failures are counted and logged once by the spider
DOWNLOAD_WARNSIZE = 0
# Scrapy starts this many tasks per response to handle what its callback yields (100 by
# default: 18,000 asyncio tasks for a crawl of 180 pages). A page yields one item and a
# listing yields requests that only need scheduling, so a few are plenty; pages from
# different responses still go through the pipeline concurrently.
CONCURRENT_ITEMS = 4
# Scrapy reads the source of a response's callback to warn about generators that return
# a value; its cache is keyed by the bound method, new on every request, so it parsed
# the spider's source once per page. Our callbacks are tested; the warning is for authors.
WARN_ON_GENERATOR_RETURN_VALUE = False
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024  # feeds, sitemaps, listings may be larger than pages

# Per-site concurrency that holds with the asyncio reactor (see crawler/downloader.py).
DOWNLOADER = "crawler.downloader.PoliteDownloader"

# Only the web: no file://, ftp://, s3:// or data: from a feed's links.
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "s3": None, "data": None}

DOWNLOADER_MIDDLEWARES = {
    # Before anything opens a connection (robots.txt fetches included).
    "crawler.middlewares.AddressGuardMiddleware": 40,
    # robots.txt, plus Crawl-delay applied to the site's download slot.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.PoliteRobotsTxtMiddleware": 100,
    # A site found unreachable (retries spent) fails its other requests at once; after
    # robots.txt, so requests that waited for robots.txt are stopped here too.
    "crawler.middlewares.UnreachableHostMiddleware": 110,
    # Waits out Retry-After before re-sending; its process_response runs before RetryMiddleware's.
    "crawler.middlewares.RetryAfterMiddleware": 560,
    "crawler.middlewares.ConditionalGetMiddleware": 570,
    # Sees each 3xx before RedirectMiddleware (600) follows it: loops, file://, bad targets.
    "crawler.middlewares.RedirectGuardMiddleware": 610,
}
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.middlewares.PoliteAutoThrottle": 0,
    "scrapy.extensions.memusage.MemoryUsage": None,
}
# Extensions that are off here anyway (no telnet, remote control, feeds or memdebug) are
# left out of the base list: Scrapy imports every class a component dict names, even
# one set to None, and RemoteControl alone pulls in aiohttp, ~0.1 s of CPU in every
# scheduled crawl (issue 12: <= 1 s per crawl).
_unused_extensions = {f"scrapy.extensions.{name}" for name in (
    "telnet.TelnetConsole", "remote_control.RemoteControl", "feedexport.FeedExporter",
    "memdebug.MemoryDebugger")}
EXTENSIONS_BASE = {name: order for name, order in _default_settings.EXTENSIONS_BASE.items()
                   if name not in _unused_extensions}
ITEM_PIPELINES = {"crawler.pipelines.SinkPipeline": 100}


def _static() -> dict[str, Any]:
    return {k: v for k, v in globals().items() if k.isupper()}


def scrapy_settings(options: CrawlOptions, *, private_ok: Iterable[str] = (),
                    check: bool = False) -> dict[str, Any]:
    """Settings for one crawl. private_ok: 'host:port' of sources that may be private."""
    settings = _static()
    settings.update({
        "USER_AGENT": options.user_agent,
        "ROBOTSTXT_OBEY": options.obey_robots,
        "CONCURRENT_REQUESTS": options.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": options.concurrent_per_domain,
        "DOWNLOAD_DELAY": options.download_delay,
        "AUTOTHROTTLE_ENABLED": options.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(options.download_delay, 1.0),
        "AUTOTHROTTLE_MAX_DELAY": max(options.max_crawl_delay, options.download_delay, 10.0),
        "DOWNLOAD_TIMEOUT": options.timeout,
        "DNS_TIMEOUT": options.timeout,
        "DOWNLOAD_MAXSIZE": options.max_page_bytes,
        "RETRY_ENABLED": options.retries > 0 and not check,
        "RETRY_TIMES": options.retries,
        "SCAMSCOPE_MAX_RETRY_AFTER": options.max_retry_after,
        "SCAMSCOPE_MAX_CRAWL_DELAY": options.max_crawl_delay,
        "SCAMSCOPE_ALLOW_PRIVATE": options.allow_private_addresses,
        "SCAMSCOPE_PRIVATE_OK": sorted(set(private_ok)),
        "SCAMSCOPE_RETRY_AFTER_TIMES": 0 if check else max(options.retries, 1),
    })
    if check:
        # One look at each source: no retries, no slow start (AutoThrottle would space
        # the ten news-search feeds on one host a second apart and more).
        settings["REDIRECT_MAX_TIMES"] = 5
        settings["AUTOTHROTTLE_ENABLED"] = False
    return settings
