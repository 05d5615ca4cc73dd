"""The one spider: feeds, news-search feeds, sitemaps, listing pages and single URLs.

Discovery documents (feeds, sitemaps, listings) are fetched first, with
conditional GETs; every article link they list is checked against the sink
(already indexed recently? then not fetched), the per-source cap and the
links already requested in this crawl, then fetched (conditionally, when the
crawl state knows it) and handed on as an nlp.records.Page.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Any, AsyncIterator, Iterable, Sequence

import scrapy
from scrapy import signals
from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError,
                               DownloadConnectionRefusedError, DownloadFailedError,
                               DownloadTimeoutError, IgnoreRequest, ResponseDataLossError)
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as twisted_errors
from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure

from crawler.items import Link, Settled
from crawler.links import Found
from crawler.middlewares import BadRedirect, BlockedAddress, RedirectLoop, RobotsDenied
from crawler.options import CrawlOptions
from crawler.pipelines import body_hash
from crawler.settings import MAX_DOCUMENT_BYTES
from crawler.sources import Source
from crawler.spiders._xml import BadDocument
from crawler.spiders.feeds import parse_feed
from crawler.spiders.listings import parse_listing
from crawler.spiders.sitemaps import parse_sitemap
from crawler.summary import SourceCheck, Tally
from nlp.identity import canonical_url
from nlp.records import Page, utcnow

log = logging.getLogger(__name__)

MAX_SITEMAP_DEPTH = 3
HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
FEED_ACCEPT = ("application/rss+xml,application/atom+xml,application/rdf+xml;q=0.9,"
               "application/xml;q=0.8,text/xml;q=0.8,*/*;q=0.5")
XML_ACCEPT = "application/xml,text/xml;q=0.9,application/x-gzip;q=0.8,*/*;q=0.5"


def _headers(lang: str | None, accept: str) -> dict[str, str]:
    """Ask for the source's own language first (sites with several serve it), then English."""
    if lang and lang != "en":
        language = f"{lang},en;q=0.7,*;q=0.5"
    else:
        language = "en,*;q=0.5"
    return {"Accept": accept, "Accept-Language": language}
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)


def declared_charset(content_type: str | None) -> str | None:
    match = _CHARSET.search(content_type or "")
    return match.group(1).lower() if match else None


def is_html(response: Response) -> bool:
    ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    if ctype:
        return "html" in ctype.split(";")[0]
    head = response.body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def classify(failure: Failure) -> tuple[str, str]:
    """(reason, detail) of a failed request, the reason being a short stable word."""
    exc = failure.value
    detail = str(exc).strip() or type(exc).__name__
    if isinstance(exc, RobotsDenied):
        return "robots_denied", detail
    if isinstance(exc, BlockedAddress):
        return "blocked_address", detail
    if isinstance(exc, RedirectLoop):
        return "redirect_loop", detail
    if isinstance(exc, BadRedirect):
        return "bad_redirect", detail
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"http_{status}", f"HTTP {status}"
    if isinstance(exc, (CannotResolveHostError, twisted_errors.DNSLookupError)):
        return "dns", detail
    if isinstance(exc, (DownloadTimeoutError, twisted_errors.TimeoutError,
                        twisted_errors.TCPTimedOutError)):
        return "timeout", detail
    if isinstance(exc, (DownloadConnectionRefusedError, twisted_errors.ConnectionRefusedError)):
        return "connection_refused", detail
    if isinstance(exc, (DownloadCancelledError, CancelledError)):
        return "too_large", detail
    if isinstance(exc, ResponseDataLossError):
        return "data_loss", detail
    if isinstance(exc, IgnoreRequest):
        if detail == "max redirections reached":  # Scrapy's words for a <meta refresh> loop
            return "redirect_loop", detail
        return "ignored", detail
    name = type(exc).__name__.lower()
    if "ssl" in name or "tls" in name or "certificate" in detail.lower():
        return "tls", detail
    if isinstance(exc, (DownloadFailedError, twisted_errors.ConnectError,
                        twisted_errors.ConnectionLost, twisted_errors.ConnectionDone)):
        return "connection", detail
    return "error", f"{type(exc).__name__}: {detail}"


# Failures that fetching again will not mend: they do not keep a listing's
# validators from being stored (that would re-read the listing forever).
FINAL_REASONS = frozenset({"robots_denied", "blocked_address", "http_404", "http_410",
                           "not_html", "too_large", "bad_redirect", "redirect_loop"})


class NewsSpider(scrapy.Spider):
    name = "scamscope"

    def __init__(self, targets: Sequence[Source] = (), sink: Any = None,
                 tally: Tally | None = None, state: Any = None,
                 options: CrawlOptions | None = None, check: bool = False,
                 worker: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.targets = list(targets)
        self.sources = {s.name: s for s in self.targets}
        self.sink = sink
        self.tally = tally or Tally()
        self.state = state
        self.options = options or CrawlOptions()
        self.check = check
        self.worker = worker  # runs sink calls off the reactor thread (None: inline)
        self.checks: dict[str, SourceCheck] = {}
        self.scheduled: Counter[str] = Counter()
        self.requested: set[str] = set()
        self.pending_validators: dict[str, dict[str, Any]] = {}  # feeds, sitemaps, listings
        # Pages handed to the sink and not yet stored for good: url -> (source,
        # listing document, validators to record once the sink settles them).
        self.pending_pages: dict[str, tuple[str, str | None, dict[str, Any]]] = {}
        # Listing documents (and their parents) with an item not fetched or not
        # stored in this crawl: their validators are not kept, or a 304 next
        # time would hide those items for good.
        self.incomplete: set[str] = set()
        self.document_parent: dict[str, str | None] = {}
        self.listed_by: dict[str, str | None] = {}  # article page -> its listing document
        self.finish_reason: str | None = None
        self.bad_links_seen: set[tuple[str, str]] = set()  # (source, href): counted once

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> "NewsSpider":
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        return spider

    # -- requests ------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for source in self.targets:
            if source.type == "url":
                request = self.article_request(source, Link(source.url, lang=source.lang or None))
            else:
                request = self.document_request(source, source.url, kind=source.type, depth=0)
            if request is not None:
                yield request

    def _meta(self, source: Source, url: str, kind: str) -> dict[str, Any]:
        meta: dict[str, Any] = {"ss_source": source.name, "ss_kind": kind, "ss_listed_url": url,
                                "ss_conditional": not self.check,
                                "handle_httpstatus_list": [304]}
        if self.check:
            meta["dont_retry"] = True
        return meta

    def document_request(self, source: Source, url: str, *, kind: str, depth: int) -> Request:
        meta = self._meta(source, url, kind)
        meta["ss_depth"] = depth
        meta["download_maxsize"] = max(MAX_DOCUMENT_BYTES, self.options.max_page_bytes)
        # dont_filter: the spider keeps its own record of what it asked for, so
        # that a redirect to a URL fetched already is still seen and counted.
        return Request(url, callback=self.parse_document, errback=self.on_error, meta=meta,
                       priority=10, dont_filter=True,
                       headers=_headers(source.lang, FEED_ACCEPT if kind in ("feed", "search")
                                        else XML_ACCEPT if kind == "sitemap" else HTML_ACCEPT))

    def article_request(self, source: Source, link: Link) -> Request | None:
        key = canonical_url(link.url)
        if key in self.requested:
            return None
        self.requested.add(key)
        meta = self._meta(source, link.url, "article")
        meta["ss_hint"] = link
        return Request(link.url, callback=self.parse_article, errback=self.on_error, meta=meta,
                       dont_filter=True, headers=_headers(link.lang or source.lang, HTML_ACCEPT))

    def _new_documents(self, urls: Sequence[str]) -> list[str]:
        out = []
        for url in urls:
            key = "doc:" + canonical_url(url)
            if key not in self.requested:
                self.requested.add(key)
                out.append(url)
        return out

    def _limit(self, source: Source) -> int:
        return source.max_pages or self.options.max_pages_per_source

    async def _known_urls(self, urls: Sequence[str]) -> set[str]:
        """Which of urls the sink already has from within its revisit window."""
        if self.sink is None or not urls:
            return set()
        sink = self.sink

        def ask() -> set[str]:
            known = set()
            for url in urls:
                try:
                    if sink.seen_recently(url):
                        known.add(url)
                except Exception as exc:  # the sink's own trouble must not stop the crawl
                    log.warning("could not ask the pipeline whether %s is known: %s", url, exc)
            return known

        if self.worker is None:
            return ask()
        return await self.worker.call(ask)

    async def sink_call(self, method: str, *args: Any) -> Any:
        """Call one of the sink's methods on the sink's own thread."""
        fn = getattr(self.sink, method)
        if self.worker is None:
            return fn(*args)
        return await self.worker.call(fn, *args)

    async def follow_links(self, source: Source, links: Sequence[Link], parent: str | None,
                           chunk: int = 100) -> list[Request]:
        """Requests for the links worth fetching: new to this crawl, not known to the
        sink, within the source's cap. The sink is asked a chunk at a time, so a
        50,000-URL sitemap costs a few lookups once the cap is reached.

        parent is the document that lists them: links over the cap wait for the next
        crawl, which must then read it again rather than be told "not modified"."""
        fresh = [link for link in links if canonical_url(link.url) not in self.requested]
        out: list[Request] = []
        for start in range(0, len(fresh), chunk):
            batch = fresh[start:start + chunk]
            if self.scheduled[source.name] >= self._limit(source):
                self.tally.add(source.name, "capped", len(fresh) - start)
                self.mark_incomplete(parent)
                break
            known = await self._known_urls([link.url for link in batch])
            for link in batch:
                if canonical_url(link.url) in self.requested:
                    continue
                if link.url in known:
                    self.tally.add(source.name, "skipped_known")
                    continue
                if self.scheduled[source.name] >= self._limit(source):
                    self.tally.add(source.name, "capped")
                    self.mark_incomplete(parent)
                    continue
                if link.lang is None and source.lang:
                    link.lang = source.lang
                request = self.article_request(source, link)
                if request is not None:
                    request.meta["ss_parent"] = parent
                    self.scheduled[source.name] += 1
                    out.append(request)
        return out

    # -- callbacks -------------------------------------------------------------
    async def parse_document(self, response: Response) -> Any:
        meta = response.meta
        source = self.sources[meta["ss_source"]]
        listed = meta["ss_listed_url"]
        kind = meta["ss_kind"]
        depth = meta.get("ss_depth", 0)
        if response.status == 304:
            self.tally.add(source.name, "documents_not_modified")
            if self.state is not None:
                self.state.touch(listed)
            self._checked(source, True, "ok", "not modified since the last crawl")
            return
        try:
            found, follow, what = self.discover(response, source, kind, depth)
        except BadDocument as exc:
            self._failed(source, response.url, exc.reason, str(exc))
            return
        links = found.links
        self.tally.add(source.name, "documents")
        self.tally.add(source.name, "links", len(links))
        self._note_faults(source, response.url, found)
        if kind == "listing" and not links:
            # Rules that match nothing: the site has changed its markup.
            self._checked(source, False, "no_links", "no link on the page matches "
                          + ("link_xpath" if source.link_xpath else "link_css"))
        self._checked(source, True, "ok", what, links=len(links))
        if self.check:
            return
        self.pending_validators[listed] = {
            "etag": response.headers.get(b"ETag", b"").decode("latin-1") or None,
            "last_modified": response.headers.get(b"Last-Modified", b"").decode("latin-1") or None,
            "content_hash": body_hash(response.body), "status": response.status}
        self.document_parent.setdefault(listed, meta.get("ss_parent"))
        if found.truncated:  # its validators would answer 304 and hide the entries after the cut
            self.mark_incomplete(listed)
        for request in follow:
            request.meta["ss_parent"] = listed
            yield request
        for request in await self.follow_links(source, links, parent=listed):
            yield request

    def discover(self, response: Response, source: Source, kind: str,
                 depth: int) -> tuple[Found, list[Request], str]:
        """(what the document lists, documents to fetch next, a summary for `sources check`).

        Raises BadDocument (with its reason) for what is not the expected kind of document.
        """
        follow: list[Request] = []
        if kind in ("feed", "search"):
            found = parse_feed(response.body, response.url)
            return found, follow, f"{len(found.links)} entries"
        if kind == "sitemap":
            sitemap = parse_sitemap(response.body, response.url)
            if depth + 1 <= MAX_SITEMAP_DEPTH:
                follow = [self.document_request(source, url, kind="sitemap", depth=depth + 1)
                          for url in self._new_documents(sitemap.sitemaps)]
            return sitemap, follow, (f"sitemap index of {len(sitemap.sitemaps)} sitemaps"
                                     if sitemap.kind == "index"
                                     else f"{len(sitemap.links)} URLs")
        if not isinstance(response, TextResponse) or not is_html(response):
            raise NotAListing("not an HTML page")
        listing = parse_listing(response.text, response.url, link_css=source.link_css,
                                link_xpath=source.link_xpath, next_css=source.next_css,
                                next_xpath=source.next_xpath)
        if listing.next_url and depth + 1 < self.options.max_listing_pages:
            follow = [self.document_request(source, url, kind="listing", depth=depth + 1)
                      for url in self._new_documents([listing.next_url])]
        return listing, follow, f"{len(listing.links)} article links"

    def _note_faults(self, source: Source, url: str, found: Found) -> None:
        """Count (and log once) the links that cannot be fetched and a cut-off document."""
        for href, why in found.bad.items():
            key = (source.name, href)
            if key in self.bad_links_seen:
                continue
            self.bad_links_seen.add(key)
            self.tally.add(source.name, "bad_links")
            log.debug("%s: %s lists %r, which is not fetched: %s", source.name, url, href, why)
        if found.truncated:
            self.tally.add(source.name, "truncated")
            log.warning("%s: %s is cut off before its end: only its %d complete entries are "
                        "used", source.name, url, len(found.links))

    def parse_article(self, response: Response) -> Any:
        meta = response.meta
        source = self.sources[meta["ss_source"]]
        listed = meta["ss_listed_url"]
        if response.status == 304:
            self.tally.add(source.name, "not_modified")
            if self.state is not None:
                self.state.touch(listed)
            self._checked(source, True, "ok", "not modified since the last crawl")
            return
        if not is_html(response):
            ctype = response.headers.get(b"Content-Type", b"").decode("latin-1") or "no type"
            self._failed(source, response.url, "not_html", ctype)
            return
        self.tally.add(source.name, "fetched")
        self._checked(source, True, "ok", f"HTML page, {len(response.body)} bytes")
        if self.check:
            return
        headers = {k.decode("latin-1").lower(): b", ".join(v).decode("latin-1")
                   for k, v in response.headers.items()}
        hint: Link = meta.get("ss_hint") or Link(listed)
        self.listed_by[listed] = meta.get("ss_parent")
        yield Page(url=listed, final_url=response.url, status=response.status,
                   body=response.body, headers=headers,
                   encoding=declared_charset(headers.get("content-type")),
                   source=source.name, country=source.country, fetched_at=utcnow(),
                   hint_title=hint.title,
                   hint_published=hint.published, hint_lang=hint.lang or source.lang or None)

    def on_error(self, failure: Failure) -> None:
        request = failure.request
        source = self.sources.get(request.meta.get("ss_source", ""))
        name = source.name if source else "?"
        reason, detail = classify(failure)
        if reason == "robots_denied":
            self.tally.add(name, "robots_denied")
            log.info("%s: %s not fetched: robots.txt disallows it", name, request.url)
            if source is not None:
                self._checked(source, False, reason, "robots.txt disallows it")
            return
        if reason not in FINAL_REASONS:
            self.mark_incomplete(request.meta.get("ss_parent"))
        self._failed(source, request.url, reason, detail)

    # -- bookkeeping -------------------------------------------------------------
    def _failed(self, source: Source | None, url: str, reason: str, detail: str) -> None:
        name = source.name if source else "?"
        self.tally.fail(name, reason)
        if self.check:
            log.debug("%s: %s failed: %s (%s)", name, url, reason, detail)
        else:
            log.warning("%s: %s failed: %s (%s)", name, url, reason, detail)
        if source is not None:
            self._checked(source, False, reason, detail)

    def _checked(self, source: Source, ok: bool, reason: str, detail: str, links: int = 0) -> None:
        if self.check and source.name not in self.checks:
            self.checks[source.name] = SourceCheck(source.name, source.url, ok, reason, detail,
                                                   links)

    def on_closed(self, spider: Any, reason: str) -> None:
        self.finish_reason = reason

    def mark_incomplete(self, document: str | None) -> None:
        seen = set()
        while document and document not in seen:
            seen.add(document)
            self.incomplete.add(document)
            document = self.document_parent.get(document)

    def hand_over(self, page: Page, validators: dict[str, Any]) -> None:
        self.pending_pages[page.url] = (page.source, self.listed_by.pop(page.url, None),
                                        validators)

    def settle(self, settled: Iterable[Settled] | None) -> None:
        """Record the pages the sink has stored for good; count the ones it lost."""
        for outcome in settled or ():
            entry = self.pending_pages.pop(outcome.url, None)
            if entry is None:
                continue
            source, parent, validators = entry
            if outcome.stored:
                if self.state is not None:
                    self.state.record(outcome.url, **validators)
            else:
                self.tally.fail(source, outcome.reason or "not_stored")
                self.mark_incomplete(parent)
                log.warning("%s: %s was not stored (%s); it will be fetched again on the "
                            "next crawl", source, outcome.url, outcome.reason or "not stored")

    def settle_failed(self, urls: Iterable[str], reason: str) -> None:
        self.settle([Settled(url, False, reason) for url in urls])

    def commit_state(self, settled: Iterable[Settled] | None, sink_error: str | None) -> None:
        """The sink has closed: settle what it reported, then the listing documents.

        A sink that reports nothing (None) vouches for every page it was handed,
        unless it failed to close. Feeds, sitemaps and listings keep their
        validators only when the crawl ran to its end and every item they
        listed was fetched and stored, so that nothing they list is hidden by a
        "not modified" next time.
        """
        self.settle(settled)
        if sink_error is not None or settled is None:
            self.settle([Settled(url, sink_error is None, sink_error or "")
                         for url in list(self.pending_pages)])
        # Whatever the sink never answered for is not stored.
        self.settle_failed(list(self.pending_pages), "not_stored")
        if self.state is not None and self.finish_reason == "finished":
            for url, values in self.pending_validators.items():
                if url not in self.incomplete:
                    self.state.record(url, **values)
        self.pending_validators.clear()


class NotAListing(BadDocument):
    reason = "not_html"
