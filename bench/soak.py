"""Soak: the `scamscope run` daemon against a faulty local site of 2,000+ pages; nothing may be
lost or duplicated.

A local site (127.0.0.1) publishes --pages generated real-length articles (a fifth carry
the word MARKER) through an RSS feed, an Atom feed and two sitemaps, and a malformed
(truncated) feed repeating some of them; new articles keep appearing during the first
60 % of the run. Injected faults, while that phase lasts: 500s, stalls beyond the
download timeout, connection resets, a listing answering 503 every other time; and, for
the whole run, pathological pages (dozens of leading HTML comments, 1,000-deep nesting,
a wrong charset: all real articles that must be stored), binary bodies and permanent
errors (not articles). The SMTP server (aiosmtpd) is down for the first 30 % of the run.
A subscription for MARKER (instant) makes the daemon send digests throughout.

After --minutes the faults stop and the daemon gets a drain window (--drain-minutes) to
fetch what failed and send what is pending; then it is stopped with SIGTERM and the
figures are printed, computed from the outside: the site's article set against
`scamscope search --json`, the SMTP server's received digests against the articles that
match, the outbox's pending count, and the RSS of the daemon and its children. Exit 1 if
any page or alert was lost or duplicated, else 0.

    .venv/bin/python bench/soak.py [--minutes 10] [--pages 2000] [--drain-minutes 5]
    .venv/bin/python bench/soak.py --minutes 2            # a quick check
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scamscope.demo.server import ArticleInfo  # noqa: E402
from tests.fixtures.cli import Cli  # noqa: E402
from tests.fixtures.daemon import Daemon  # noqa: E402
from tests.fixtures.realsite import (Page, PagesServer, article_html, failing,  # noqa: E402
                                     generate_article, resetting, stalling)
from tests.fixtures.smtp import SMTPServer, free_port  # noqa: E402

MARKER = "kestrelgate"
EMAIL = "soak@example.org"
SCHEDULE_MINUTE = 10.0  # seconds in one schedule minute: instant alerts every 10 s
CRAWL_EVERY = 3  # schedule minutes between crawls of a source (30 s)
DOWNLOAD_TIMEOUT = 5.0
STALL_SECONDS = DOWNLOAD_TIMEOUT + 4
LISTINGS = {"rss": "/feeds/news.rss", "atom": "/feeds/world.atom",
            "map-a": "/maps/a.xml", "map-b": "/maps/b.xml"}
MALFORMED = "/feeds/broken.rss"
# Share of the articles (per kind) that misbehave: transient ones only while faults are on.
TRANSIENT = (("500", 0.04), ("stall", 0.015), ("reset", 0.03))
PATHOLOGICAL = (("comments", 0.006), ("deep", 0.006), ("charset", 0.006))
NON_ARTICLES = 24  # binary bodies, permanent 404/500: listed, never articles


@dataclass
class SoakArticle:
    number: int
    path: str
    title: str
    lang: str
    published: datetime
    marker: bool
    kind: str  # plain | 500 | stall | reset | comments | deep | charset
    added: float  # time.time() when it appeared on the site


class SoakSite:
    """The site: article routes, the listings generated from their current contents,
    the malformed feed, the non-articles, and a switch for the transient faults."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.seed = seed
        self.faults_on = True
        self.lock = threading.Lock()
        self.groups: dict[str, list[SoakArticle]] = {name: [] for name in LISTINGS}
        self.extras: dict[str, list[str]] = {name: [] for name in LISTINGS}
        self.changed: dict[str, float] = {name: time.time() for name in LISTINGS}
        self.routes: dict = {}
        self.server = PagesServer(self.routes, site_name="Soak Gazette")
        self.listing_hits = Counter()
        self.next_number = 0
        for name, path in LISTINGS.items():
            self.routes[path] = self._listing(name)
        self.routes[MALFORMED] = self._malformed

    # ---- content
    def add_articles(self, count: int) -> None:
        names = list(LISTINGS)
        for _ in range(count):
            number = self.next_number
            self.next_number += 1
            group = names[number % len(names)]
            marker = number % 5 == 0
            parts = generate_article(number, self.seed, MARKER if marker else None)
            kind = self._kind()
            path = f"/news/{parts['slug']}.html"
            self.routes[path] = self._page_route(kind, parts)
            article = SoakArticle(number, path, parts["title"], parts["lang"],
                                  parts["published"], marker, kind, time.time())
            with self.lock:
                self.groups[group].append(article)
                self.changed[group] = time.time()

    def add_non_articles(self, count: int) -> None:
        names = list(LISTINGS)
        for i in range(count):
            group = names[i % len(names)]
            kind = ("binary", "binary-as-html", "gone", "broken")[i % 4]
            path = f"/files/{kind}-{i}" + (".bin" if kind == "binary" else ".html")
            if kind.startswith("binary"):
                body = bytes(self.rng.randrange(256) for _ in range(20_000))
                ctype = "application/octet-stream" if kind == "binary" else "text/html"
                self.routes[path] = Page(body, ctype)
            else:
                status = 404 if kind == "gone" else 500
                self.routes[path] = Page(f"<h1>HTTP {status}</h1>".encode(), status=status)
            with self.lock:
                self.extras[group].append(path)

    def _kind(self) -> str:
        roll = self.rng.random()
        for kind, share in TRANSIENT + PATHOLOGICAL:
            if roll < share:
                return kind
            roll -= share
        return "plain"

    def _page_route(self, kind: str, parts: dict):
        markup = article_html(parts, "Soak Gazette")
        page = Page(markup.encode("utf-8"))
        faulty = lambda handler: self.faults_on  # noqa: E731
        if kind == "500":
            return failing(page, faulty)
        if kind == "stall":
            return stalling(page, faulty, STALL_SECONDS)
        if kind == "reset":
            return resetting(page, faulty)
        if kind == "comments":
            # Tag managers and CMS banners: real pages that open with a run of comments.
            lead = "".join(f"<!-- block {i} start -->\n<!-- block {i} end -->\n" for i in range(30))
            return Page((lead + markup).encode("utf-8"))
        if kind == "deep":
            inner = markup.split("<h1>", 1)
            body = inner[0] + "<div>" * 1000 + "<h1>" + inner[1].replace(
                "</article>", "</div>" * 1000 + "</article>", 1)
            return Page(body.encode("utf-8"))
        if kind == "charset":
            # UTF-8 bytes declared as ISO-8859-1, in the header and in the page.
            body = markup.replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">')
            return Page(body.encode("utf-8"), "text/html; charset=iso-8859-1")
        return page

    def articles(self) -> list[SoakArticle]:
        with self.lock:
            return [a for group in self.groups.values() for a in group]

    # ---- listings
    def _listing(self, name: str):
        def route(handler) -> None:
            with self.lock:
                items = list(self.groups[name])
                extras = list(self.extras[name])
                mtime = self.changed[name]
            self.listing_hits[name] += 1
            if name == "atom" and self.faults_on and self.listing_hits[name] % 2 == 0:
                handler.send(503, "<h1>Service unavailable</h1>")
                return
            site = self.server
            infos = [ArticleInfo(a.path, a.title, a.lang, a.published, None, 0.0) for a in items]
            infos += [ArticleInfo(p, "Attachment", "en", None, None, 0.0) for p in extras]
            if name == "rss":
                body, ctype = site.rss(infos), "application/rss+xml; charset=utf-8"
            elif name == "atom":
                body, ctype = site.atom(infos), "application/atom+xml; charset=utf-8"
            else:
                body = site.sitemap([(site.url(i.path), None) for i in infos])
                ctype = "application/xml"
            handler.send(200, body, ctype, validators=True, mtime=mtime)
        return route

    def _malformed(self, handler) -> None:
        with self.lock:
            items = list(self.groups["map-b"][:60])
        infos = [ArticleInfo(a.path, a.title, a.lang, a.published, None, 0.0) for a in items]
        body = self.server.rss(infos)
        handler.send(200, body[:int(len(body) * 0.7)], "application/rss+xml; charset=utf-8")


# ---------------------------------------------------------------- measuring from outside


def indexed(cli: Cli) -> list[str] | None:
    """The URL path of every stored article (one entry per stored article), or None if the
    search failed."""
    result = cli("search", "--json", "--limit", "1000000", timeout=300)
    if result.code != 0:
        return None
    from urllib.parse import unquote, urlsplit

    # The site's paths are as written (sète); stored URLs are percent-encoded.
    return [unquote(urlsplit(hit["url"]).path) for hit in result.json()["hits"]]


def pending_digests(cli: Cli) -> int | None:
    result = cli("subscriptions", "list", "--json", timeout=120)
    if result.code != 0:
        return None
    return sum(s.get("pending", 0) for s in result.json())


def mailed(smtp: SMTPServer, base_url: str) -> tuple[int, Counter]:
    """Digests received, and how many times each article path was mailed."""
    from urllib.parse import unquote

    pattern = re.compile(re.escape(base_url) + r"(/news/[^\s<>\"]+)")
    with smtp.lock:
        messages = list(smtp.messages)
    counts: Counter = Counter()
    for message in messages:
        text = message.get_body(("plain",)).get_content()
        counts.update({unquote(path) for path in pattern.findall(text)})
    return len(messages), counts


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    out, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        children = [p for p, parent in parents.items() if parent == current]
        out += children
        frontier += children
    return out


def memory(pid: int) -> tuple[int, int]:
    """RSS (kB) of the daemon alone, and of the daemon with all its descendants."""
    own = rss_kb(pid)
    return own, own + sum(rss_kb(p) for p in descendants(pid))


# ---------------------------------------------------------------- the run


def write_config(root: Path, site: SoakSite, pages: int) -> Path:
    catalogue = root / "catalogue.toml"
    entries = [(f"soak-{name}", "sitemap" if name.startswith("map") else "feed", path)
               for name, path in LISTINGS.items()] + [("soak-broken", "feed", MALFORMED)]
    catalogue.write_text("".join(
        f'[[sources]]\nname = "{name}"\ntype = "{kind}"\nurl = "{site.server.url(path)}"\n'
        f"interval_minutes = {CRAWL_EVERY}\n\n" for name, kind, path in entries))
    config = root / "scamscope.toml"
    config.write_text(f'sources_file = "{catalogue}"\nweb_in_daemon = false\n'
                      f"schedule_minute_seconds = {SCHEDULE_MINUTE}\nalerts_instant_minutes = 1\n"
                      "download_delay = 0.0\nautothrottle = false\n"
                      f"download_timeout = {DOWNLOAD_TIMEOUT}\nretry_times = 1\n"
                      "concurrent_per_domain = 4\n"
                      f"max_pages_per_source = {pages * 2}\n")
    return config


def stop_daemon(daemon: Daemon) -> str:
    """SIGTERM; if it has not ended within 2 min, SIGTERM again (stops running crawls); if
    still not ended a minute later, SIGKILL to it and the crawl processes it started."""
    pid = daemon.proc.pid
    children = descendants(pid)
    for label, grace in (("SIGTERM", 120), ("a second SIGTERM", 60)):
        daemon.signal(signal.SIGTERM)
        try:
            code = daemon.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            children = descendants(pid) or children
            continue
        daemon.kill()  # (already ended: only collects its output)
        return f"exit {code} after {label}"
    for child in children:
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass
    daemon.kill()
    return "did not end on SIGTERM (twice); killed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0,
                        help="length of the faulty phase (default 10)")
    parser.add_argument("--drain-minutes", type=float, default=None,
                        help="most time then given to fetch what failed and send what is "
                             "pending (default: max(4, minutes / 2))")
    parser.add_argument("--pages", type=int, default=2000, help="articles at the start (2000)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if args.minutes <= 0 or args.pages < 1:
        parser.error("--minutes and --pages must be positive")
    fault_seconds = args.minutes * 60
    drain_seconds = 60 * (args.drain_minutes if args.drain_minutes is not None
                          else max(4.0, args.minutes / 2))

    site = SoakSite(args.seed)
    site.add_articles(args.pages)
    site.add_non_articles(NON_ARTICLES)
    site.server.start()
    smtp = SMTPServer(port=free_port())  # down until 30 % of the run
    with tempfile.TemporaryDirectory(prefix="scamscope-soak-") as tmp:
        root = Path(tmp)
        data_dir = root / "data"
        data_dir.mkdir()
        cli = Cli(data_dir)
        config = write_config(root, site, args.pages)
        subscribed = cli("subscribe", EMAIL, MARKER, "--every", "instant")
        if subscribed.code != 0:
            print(f"cannot subscribe: {subscribed.err.strip()}", file=sys.stderr)
            return 2
        started = time.monotonic()
        daemon = Daemon(data_dir, config, env={"SCAMSCOPE_SMTP": smtp.url})
        daemon.wait_line("scamscope run:")
        mem_start = memory(daemon.proc.pid)
        peak = mem_start[1]
        print(f"soak: {args.pages} articles + {NON_ARTICLES} non-articles on {site.server.base_url}"
              f", {len(LISTINGS)} listings + 1 malformed feed; faults for {args.minutes:g} min, "
              f"then up to {drain_seconds / 60:g} min to drain; data in {data_dir}", flush=True)

        smtp_up_at, growth_ends = 0.3 * fault_seconds, 0.6 * fault_seconds
        next_growth, next_report = 20.0, 60.0
        while (elapsed := time.monotonic() - started) < fault_seconds:
            if not smtp.running and elapsed >= smtp_up_at:
                smtp.start()
                print(f"[{elapsed:5.0f}s] SMTP server up", flush=True)
            if elapsed >= growth_ends and site.faults_on:
                site.faults_on = False
                print(f"[{elapsed:5.0f}s] transient faults off, no more new articles", flush=True)
            elif site.faults_on and elapsed >= next_growth:
                site.add_articles(10)
                next_growth += 20
            if elapsed >= next_report:
                stored = indexed(cli)
                print(f"[{elapsed:5.0f}s] indexed {len(stored) if stored is not None else '?'}"
                      f" of {len(site.articles())} published; {len(smtp.messages)} digest(s) "
                      f"received", flush=True)
                next_report += 60
            peak = max(peak, memory(daemon.proc.pid)[1])
            daemon.output()
            time.sleep(2)

        site.faults_on = False
        smtp.start()
        published = site.articles()
        expected = {a.path for a in published}
        expected_mail = {a.path for a in published if a.marker}
        drain_started = time.monotonic()
        stored: list[str] = []
        while time.monotonic() - drain_started < drain_seconds:
            stored = indexed(cli) or stored
            _, mail_counts = mailed(smtp, site.server.base_url)
            if expected <= set(stored) and expected_mail <= set(mail_counts) \
                    and pending_digests(cli) == 0:
                break
            peak = max(peak, memory(daemon.proc.pid)[1])
            daemon.output()
            time.sleep(15)
        drained = time.monotonic() - drain_started
        mem_end = memory(daemon.proc.pid)
        peak = max(peak, mem_end[1])
        stopped = stop_daemon(daemon)
        output = daemon.output()
        stored = indexed(cli) or stored
        pending = pending_digests(cli)
        digests, mail_counts = mailed(smtp, site.server.base_url)
        smtp.stop()
    site.server.stop()

    stored_counts = Counter(stored)
    lost = sorted(expected - set(stored_counts))
    duplicated = sorted(p for p, n in stored_counts.items() if n > 1)
    unexpected = sorted(set(stored_counts) - expected)
    mail_lost = sorted(expected_mail - set(mail_counts))
    mail_duplicated = sorted(p for p, n in mail_counts.items() if n > 1)
    mail_unexpected = sorted(set(mail_counts) - expected_mail)
    kinds = Counter(a.kind for a in published)
    lost_kinds = Counter(a.kind for a in published if a.path in set(lost))
    crawls = Counter(m.group(1) for m in re.finditer(r"crawl \S+: (done|failed|stopped)", output))

    def pct(part: int, whole: int) -> str:
        return f"{100 * part / whole:.1f}%" if whole else "-"

    mb = lambda kb: f"{kb / 1024:.0f} MB"  # noqa: E731
    print()
    print(f"soak: {args.minutes:g} min with faults + {drained / 60:.1f} min drain; daemon "
          f"{stopped}; crawls {dict(crawls)}")
    print(f"site: {len(published)} articles ({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})"
          f" + {NON_ARTICLES} non-articles")
    print(f"pages: indexed {len(expected) - len(lost)} / {len(expected)} ({pct(len(expected) - len(lost), len(expected))}), "
          f"lost {len(lost)} ({pct(len(lost), len(expected))}), duplicated {len(duplicated)}, "
          f"unexpected {len(unexpected)}")
    if lost:
        print(f"  lost by kind: {dict(lost_kinds)}; e.g. {lost[:3]}")
    if unexpected:
        print(f"  unexpected: {unexpected[:5]}")
    print(f"alerts: {digests} digest(s); articles expected {len(expected_mail)}, sent "
          f"{len(set(mail_counts) & expected_mail)} ({pct(len(set(mail_counts) & expected_mail), len(expected_mail))}), "
          f"lost {len(mail_lost)}, duplicated {len(mail_duplicated)}, unexpected "
          f"{len(mail_unexpected)}; outbox pending {pending if pending is not None else '?'}")
    growth = (mem_end[0] - mem_start[0]) / mem_start[0] if mem_start[0] else 0.0
    print(f"memory (RSS): daemon {mb(mem_start[0])} -> {mb(mem_end[0])} ({growth:+.1%}); "
          f"with children {mb(mem_start[1])} -> {mb(mem_end[1])}; peak with children {mb(peak)}")
    print(json.dumps({
        "pages_expected": len(expected), "pages_indexed": len(expected) - len(lost),
        "pages_lost": len(lost), "pages_duplicated": len(duplicated),
        "pages_unexpected": len(unexpected), "alerts_expected": len(expected_mail),
        "alerts_sent": len(set(mail_counts) & expected_mail), "alerts_lost": len(mail_lost),
        "alerts_duplicated": len(mail_duplicated), "digests": digests, "pending": pending,
        "rss_daemon_kb": [mem_start[0], mem_end[0]], "rss_total_kb": [mem_start[1], mem_end[1]],
        "rss_peak_kb": peak, "daemon": stopped}))
    return 1 if lost or duplicated or mail_lost or mail_duplicated else 0


if __name__ == "__main__":
    raise SystemExit(main())
