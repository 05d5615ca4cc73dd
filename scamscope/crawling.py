"""The app shell's side of the crawler: settings → CrawlOptions, and which sources to crawl."""
from __future__ import annotations

from typing import Sequence

from crawler.errors import CatalogueError, UnknownSource
from crawler.options import CrawlOptions
from crawler.sources import Source, adhoc, load_sources, parse_shard, select, shard
from scamscope.config import Settings
from scamscope.errors import UserError

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
