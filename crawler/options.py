"""Everything the crawler needs to know, as one plain dataclass.

The app shell maps its settings onto this (scamscope/crawling.py); the crawler
never reads the application's configuration itself.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class CrawlOptions:
    user_agent: str = "scamscope/0.1 (OSINT news monitor; +https://github.com/scamscope/scamscope)"
    obey_robots: bool = True
    concurrent_per_domain: int = 2
    concurrent_requests: int = 16
    download_delay: float = 0.5  # seconds between requests to one site (a floor)
    autothrottle: bool = True
    timeout: float = 30.0  # seconds per request
    max_page_bytes: int = 5_000_000
    retries: int = 2  # retries of timeouts, 5xx, 429
    max_retry_after: float = 300.0  # longest Retry-After honoured; longer gives up
    max_crawl_delay: float = 60.0  # a robots.txt Crawl-delay above this is capped
    allow_private_addresses: bool = False
    max_pages_per_source: int = 500  # article pages fetched from one source in one run
    max_listing_pages: int = 5  # listing pages followed through "next" links
    state_path: str | None = None  # SQLite file of per-URL validators; None = no state
