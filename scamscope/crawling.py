"""The app shell's side of the crawler: settings → CrawlOptions, and which sources to crawl."""
from __future__ import annotations

from typing import Sequence

from crawler.errors import CatalogueError, UnknownSource
from crawler.options import CrawlOptions
from crawler.sources import Source, adhoc, load_sources, parse_shard, select, shard
from scamscope.config import Settings
from scamscope.errors import JobFailed, UserError

STATE_FILE = "crawl-state.db"


def crawl_options(settings: Settings, **overrides) -> CrawlOptions:
    """CrawlOptions from the effective settings (overrides win, e.g. timeout for checks)."""
    options = CrawlOptions(
        user_agent=settings.effective_user_agent,
        obey_robots=settings.obey_robots,
        concurrent_per_domain=settings.concurrent_per_domain,
        concurrent_requests=settings.concurrent_requests,
        download_delay=settings.download_delay,
        autothrottle=settings.autothrottle,
        timeout=settings.download_timeout,
        max_page_bytes=settings.max_page_bytes,
        retries=settings.retry_times,
        max_retry_after=settings.max_retry_after,
        allow_private_addresses=settings.allow_private_addresses,
        max_pages_per_source=settings.max_pages_per_source,
        state_path=str(settings.data_path / STATE_FILE),
    )
    for name, value in overrides.items():
        setattr(options, name, value)
    return options


def all_sources(settings: Settings) -> list[Source]:
    """The catalogue (bundled, or sources_file) with the config's [[sources]] merged by name."""
    try:
        return load_sources(settings.sources_file or None, settings.sources,
                            default_interval=settings.crawl_interval_minutes,
                            extra_origin=_config_origin(settings))
    except CatalogueError as exc:
        raise UserError(str(exc)) from exc


def _config_origin(settings: Settings) -> str:
    origin = settings.origins.get("sources", "config")
    return origin if origin != "default" else "config"


def choose_sources(settings: Settings, names: Sequence[str] = (),
                   shard_spec: str | None = None) -> list[Source]:
    """Named sources (any, enabled or not), or every enabled one; then the shard's part."""
    sources = all_sources(settings)
    try:
        chosen = select(sources, names) if names else [s for s in sources if s.enabled]
    except UnknownSource as exc:
        raise UserError(str(exc)) from exc
    if shard_spec:
        try:
            index, count = parse_shard(shard_spec)
        except ValueError as exc:
            raise UserError(f"--shard: {exc}") from exc
        chosen = shard(chosen, index, count)
    return chosen


def adhoc_targets(urls: Sequence[str] = (), feeds: Sequence[str] = (),
                  sitemaps: Sequence[str] = ()) -> list[Source]:
    """Sources for --url, --feed and --sitemap (filed under the site's host name)."""
    try:
        return ([adhoc(u, "url") for u in urls] + [adhoc(u, "feed") for u in feeds]
                + [adhoc(u, "sitemap") for u in sitemaps])
    except CatalogueError as exc:
        raise UserError(str(exc)) from exc


# Why a one-page fetch failed, for people: the crawler's reason word, then what it means.
_FETCH_REASONS = {
    "robots_denied": "the site's robots.txt does not allow it (setting obey_robots)",
    "too_large": "larger than max_page_bytes ({max_page_bytes} bytes)",
    "blocked_address": "it leads to a private or loopback address "
                       "(setting allow_private_addresses)",
    "not_html": "not an HTML page",
    "dns": "the host name does not resolve",
}


class _KeepPage:
    """A PageSink that keeps the one page it is given, for `extract URL`."""

    def __init__(self) -> None:
        self.page = None

    def seen_recently(self, url: str) -> bool:
        return False

    def accept(self, page):
        from crawler.items import Settled

        self.page = self.page or page
        return [Settled(page.url, stored=True)]

    def stats(self) -> dict[str, int]:
        return {}

    def close(self):
        return None


def fetch_page(url: str, settings: Settings):
    """One page fetched the way a crawl fetches it (Scrapy, robots.txt, the private-address
    guard, max_page_bytes, retries, the User-Agent), filed under the site's host name like
    `crawl --url`. The crawl state is left alone: nothing is remembered about the page.
    JobFailed, in one line, when there is no page."""
    from crawler.runner import run_crawl

    [target] = adhoc_targets(urls=[url])
    sink = _KeepPage()
    summary = run_crawl([target], crawl_options(settings, state_path=None), lambda: sink)
    if sink.page is not None:
        return sink.page
    failed = dict(summary.failed)
    if summary.robots_denied:
        failed.setdefault("robots_denied", summary.robots_denied)
    reason = max(failed, key=failed.get) if failed else "no answer"
    why = _FETCH_REASONS.get(reason, "").format(max_page_bytes=settings.max_page_bytes)
    if reason.startswith("http_"):
        why = f"the server answered HTTP {reason[5:]}"
    raise JobFailed(f"cannot fetch {url}: {reason}" + (f" — {why}" if why else ""))
