"""Politeness and safety components of the crawler.

AddressGuardMiddleware   never connect to private, loopback, link-local (or any
                         non-global) address, checked after DNS resolution and
                         for every request, redirects included.
PoliteRobotsTxtMiddleware robots.txt as Scrapy obeys it, plus Crawl-delay, and
                         quiet about sites that cannot be reached.
PoliteAutoThrottle       AutoThrottle that never goes below a site's Crawl-delay.
RetryAfterMiddleware     429/503 with Retry-After: wait that long (up to a cap),
                         holding back every request to that site, then retry.
ConditionalGetMiddleware If-None-Match / If-Modified-Since from the crawl state.
UnreachableHostMiddleware once a site could not be resolved or refused connections
                         (retries spent), its other requests fail at once the same way.
RedirectGuardMiddleware  a redirect that loops, or leads to what cannot be fetched
                         (file://, a broken URL, no Location), fails with its own reason.
"""
from __future__ import annotations

import ipaddress
import logging
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import (CannotResolveHostError, DownloadConnectionRefusedError,
                               IgnoreRequest)
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import ConnectionRefusedError, DNSLookupError
from w3lib.url import safe_url_string

from crawler.links import absolute_link

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}


class BlockedAddress(IgnoreRequest):
    """The request would go to a private/loopback/link-local address (or a non-web scheme)."""


class RobotsDenied(IgnoreRequest):
    """robots.txt does not allow this URL for our user agent."""


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL of the same chain, or a chain longer than allowed."""


class BadRedirect(IgnoreRequest):
    """A redirect without a target, or to one that cannot be fetched (file://, bad URL)."""


def netloc_key(url_or_parts: Any) -> str:
    """'host:port' with the default port filled in: how sources are allowed private access."""
    parts = url_or_parts
    if isinstance(parts, str):
        from urllib.parse import urlsplit

        parts = urlsplit(parts)
    host = (parts.hostname or "").lower()
    port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
    return f"{host}:{port}"


def is_public(ip: str) -> bool:
    addr = ipaddress.ip_address(ip)
    mapped = getattr(addr, "ipv4_mapped", None)
    if mapped is not None:
        addr = mapped
    return addr.is_global and not addr.is_multicast


def _tally(crawler: "Crawler"):
    return getattr(crawler.spider, "tally", None)


class AddressGuardMiddleware:
    def __init__(self, crawler: "Crawler"):
        self.crawler = crawler
        self.allow_all = crawler.settings.getbool("SCAMSCOPE_ALLOW_PRIVATE")
        self.private_ok = set(crawler.settings.getlist("SCAMSCOPE_PRIVATE_OK"))

    @classmethod
    def from_crawler(cls, crawler: "Crawler") -> "AddressGuardMiddleware":
        return cls(crawler)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        parts = urlparse_cached(request)
        if parts.scheme not in ("http", "https"):
            raise BlockedAddress(f"scheme {parts.scheme or '?'}: is not fetched")
        host = parts.hostname or ""
        if self.allow_all or netloc_key(parts) in self.private_ok:
            return None
        try:
            ip = str(ipaddress.ip_address(host))
        except ValueError:
            from twisted.internet import reactor

            # The installed resolver caches this answer, so the connection that
            # follows goes to the very address checked here.
            try:
                ip = await maybe_deferred_to_future(reactor.resolve(host))
            except DNSLookupError as exc:
                raise CannotResolveHostError(f"DNS lookup failed for {host}: {exc}") from exc
        if not is_public(ip):
            log.info("refused %s: %s is a private/reserved address (%s)", request.url, host, ip)
            raise BlockedAddress(f"{host} is on a private/reserved address ({ip})")
        return None


class PoliteRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with Crawl-delay and one-line errors."""

    def __init__(self, crawler: "Crawler"):
        super().__init__(crawler)
        self.max_crawl_delay = crawler.settings.getfloat("SCAMSCOPE_MAX_CRAWL_DELAY", 60.0)
        self.crawl_delays: dict[str, float] = {}

    def process_request_2(self, rp: Any, request: Request) -> None:
        if rp is None:
            return
        useragent = self._robotstxt_useragent or request.headers.get(
            b"User-Agent", self._default_useragent)
        if not rp.allowed(request.url, useragent):
            log.debug("forbidden by robots.txt: %s", request.url)
            self._stats.inc_value("robotstxt/forbidden")
            raise RobotsDenied("forbidden by robots.txt")

    async def robot_parser(self, request: Request) -> Any:
        from twisted.internet.defer import Deferred

        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robots_request = Request(f"{url.scheme}://{netloc}/robots.txt",
                                     priority=self.DOWNLOAD_PRIORITY,
                                     meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
            try:
                response = await self.crawler.engine.download_async(robots_request)
                await self._parse_robots(response, netloc, request)
            except Exception as exc:  # unreachable site: the request itself will say why
                log.debug("robots.txt of %s not available: %s", netloc, exc)
                self._robots_error(exc, netloc)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    async def _parse_robots(self, response: "Response", netloc: str, request: Request) -> None:
        # RFC 9309: no robots.txt (4xx) allows everything; a server error (5xx, 429)
        # means the site is unreachable for now, so nothing is allowed.
        if response.status >= 500 or response.status == 429:
            body = b"User-agent: *\nDisallow: /\n"
        elif response.status >= 400:
            body = b""
        else:
            body = response.body
        response = response.replace(body=body)
        await super()._parse_robots(response, netloc, request)
        parser = self._parsers.get(netloc)
        delay_of = getattr(parser, "crawl_delay", None)
        if delay_of is None:
            return
        useragent = self._robotstxt_useragent or request.headers.get(
            b"User-Agent", self._default_useragent)
        try:
            delay = delay_of(useragent)
        except Exception:  # a robots.txt we cannot read a delay from
            delay = None
        if delay:
            self.apply_crawl_delay(urlparse_cached(request).hostname or "", float(delay))

    def apply_crawl_delay(self, host: str, delay: float) -> None:
        delay = min(max(delay, 0.0), self.max_crawl_delay)
        downloader = self.crawler.engine.downloader
        key = host.lower()
        slot_settings = downloader.per_slot_settings.setdefault(key, {})
        slot_settings["delay"] = max(delay, float(slot_settings.get("delay", 0.0)))
        slot_settings["jitter"] = 0.0
        self.crawl_delays[key] = slot_settings["delay"]
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, slot_settings["delay"])
            slot.jitter = 0.0
        log.info("robots.txt of %s asks for %.1f s between requests", key, delay)


class PoliteAutoThrottle(AutoThrottle):
    """AutoThrottle whose delay never drops below a site's Crawl-delay."""

    def _response_downloaded(self, response: "Response", request: Request, spider: Any) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if key is None or slot is None:
            return
        floor = self.crawler.engine.downloader.per_slot_settings.get(key, {}).get("delay")
        if floor:
            slot.delay = max(slot.delay, float(floor))


def parse_retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware:
    CODES = (429, 503)

    def __init__(self, crawler: "Crawler"):
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("SCAMSCOPE_MAX_RETRY_AFTER", 300.0)
        self.max_times = crawler.settings.getint("SCAMSCOPE_RETRY_AFTER_TIMES", 2)
        self.not_before: dict[str, float] = {}  # slot key -> monotonic time

    @classmethod
    def from_crawler(cls, crawler: "Crawler") -> "RetryAfterMiddleware":
        return cls(crawler)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        key = (urlparse_cached(request).hostname or "").lower()
        wait = self.not_before.get(key, 0.0) - time.monotonic()
        if wait > 0:
            from twisted.internet import reactor
            from twisted.internet.task import deferLater

            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return None

    def process_response(self, request: Request, response: "Response",
                         spider: Any = None) -> "Request | Response":
        if response.status not in self.CODES:
            return response
        delay = parse_retry_after(response.headers.get(b"Retry-After"))
        if delay is None:
            return response  # RetryMiddleware deals with it as with any 5xx/429
        times = request.meta.get("retry_after_times", 0)
        if delay > self.max_wait:
            log.warning("%s asks to wait %.0f s before retrying (more than max_retry_after "
                        "%.0f s): giving up", request.url, delay, self.max_wait)
            request.meta["dont_retry"] = True
            return response
        if times >= self.max_times:
            request.meta["dont_retry"] = True
            return response
        key = (urlparse_cached(request).hostname or "").lower()
        self.not_before[key] = max(self.not_before.get(key, 0.0), time.monotonic() + delay)
        log.info("%s answered %d: waiting %.1f s (Retry-After) before retrying",
                 request.url, response.status, delay)
        tally = _tally(self.crawler)
        if tally is not None:
            tally.add(request.meta.get("ss_source", ""), "retried_after")
        retry = request.copy()
        retry.meta["retry_after_times"] = times + 1
        retry.dont_filter = True
        return retry


class ConditionalGetMiddleware:
    """Adds the validators the crawl state holds for a URL to requests that ask for them."""

    def __init__(self, crawler: "Crawler"):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: "Crawler") -> "ConditionalGetMiddleware":
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        if not request.meta.get("ss_conditional"):
            return None
        state = getattr(self.crawler.spider, "state", None)
        if state is None:
            return None
        previous = state.get(request.meta.get("ss_listed_url") or request.url)
        if previous is None:
            return None
        if previous.etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = previous.etag
        if previous.last_modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = previous.last_modified
        return None


class UnreachableHostMiddleware:
    """A site whose name does not resolve, or that refuses connections, is down for this
    crawl: its remaining requests fail at once with the same error instead of each
    waiting its turn (and its retries) in the site's slot."""

    FATAL = (CannotResolveHostError, DNSLookupError, DownloadConnectionRefusedError,
             ConnectionRefusedError)

    def __init__(self, crawler: "Crawler"):
        self.crawler = crawler
        self.down: dict[str, Exception] = {}  # 'host:port' -> the error that ended it

    @classmethod
    def from_crawler(cls, crawler: "Crawler") -> "UnreachableHostMiddleware":
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        error = self.down.get(netloc_key(urlparse_cached(request)))
        if error is not None:
            raise type(error)(*error.args)
        return None

    def process_exception(self, request: Request, exception: Exception,
                          spider: Any = None) -> None:
        # Reached only when RetryMiddleware (closer to the downloader) gave up.
        if isinstance(exception, self.FATAL):
            self.down.setdefault(netloc_key(urlparse_cached(request)), exception)
        return None


class RedirectGuardMiddleware:
    """Looks at each redirect before Scrapy's RedirectMiddleware follows it.

    Left to Scrapy, a loop ends as a bare IgnoreRequest after REDIRECT_MAX_TIMES
    hops and a redirect to file:// or a broken URL comes back as the 3xx itself
    (an "http_302" that tells the user nothing); here each gets its own reason.
    """

    CODES = (301, 302, 303, 307, 308)

    def __init__(self, crawler: "Crawler"):
        self.max_times = crawler.settings.getint("REDIRECT_MAX_TIMES", 20)
        self.enabled = crawler.settings.getbool("REDIRECT_ENABLED", True)

    @classmethod
    def from_crawler(cls, crawler: "Crawler") -> "RedirectGuardMiddleware":
        return cls(crawler)

    def process_response(self, request: Request, response: "Response",
                         spider: Any = None) -> "Response":
        if (not self.enabled or response.status not in self.CODES
                or request.meta.get("dont_redirect")
                or response.status in request.meta.get("handle_httpstatus_list", ())
                or request.meta.get("handle_httpstatus_all")):
            return response
        location = response.headers.get(b"Location")
        if not location or not location.strip():
            raise BadRedirect(f"HTTP {response.status} without a Location")
        if location.startswith(b"//"):  # scheme-relative, as RedirectMiddleware reads it
            location = urlparse_cached(request).scheme.encode() + b":" + location
        try:
            target, problem = absolute_link(request.url, safe_url_string(location))
        except ValueError as exc:  # w3lib cannot even quote it ("http://[::1")
            target, problem = None, f"malformed URL ({exc})"
        if target is None:
            raise BadRedirect(f"HTTP {response.status} to {location.decode('latin-1')[:200]!r}: "
                              f"{problem}")
        chain = [url.split("#", 1)[0] for url in
                 (*request.meta.get("redirect_urls", []), request.url)]
        # Once back is allowed: a consent or login wall sets a cookie and sends the
        # reader back to the page, which then answers. Twice back is a loop.
        if chain.count(target.split("#", 1)[0]) >= 2:
            raise RedirectLoop(f"HTTP {response.status} back to {target} again "
                               f"({len(chain)} requests in the chain)")
        if len(chain) > self.max_times:
            raise RedirectLoop(f"more than {self.max_times} redirects in a row")
        return response
