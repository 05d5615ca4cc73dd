"""Crawler overhead: scamscope's crawl stack against a bare Scrapy spider, same site, same run.

Serves a generated site of N articles on 127.0.0.1 (every answer delayed by --latency
seconds, like a real server), then crawls its feed twice, each in a fresh process:

- baseline: a plain Scrapy spider (feed parsed with the same parser, robots.txt obeyed,
  2 requests per site, no delay) that fetches every article and keeps nothing;
- scamscope: crawler.runner.run_crawl with the same limits and a sink that keeps
  nothing, i.e. with the address guard, Retry-After, conditional GETs, crawl state,
  content hashes and per-source bookkeeping.

Prints pages/s of both and their ratio (scamscope / baseline; 1.0 = no overhead).

    .venv/bin/python bench/crawl.py [--articles 200] [--latency 0.02]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scamscope.demo.server import SiteServer  # noqa: E402

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Story {i}</title>
<meta property="article:published_time" content="2026-01-01T00:00:00Z"></head><body>
<article><h1>Story {i}</h1>{paragraphs}</article></body></html>"""

BASELINE = r'''
import sys, time, scrapy
from scrapy.crawler import CrawlerProcess
from crawler.spiders.feeds import parse_feed
feed, out = sys.argv[1], sys.argv[2]
count = 0
class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        yield scrapy.Request(feed, callback=self.parse_feed)
    def parse_feed(self, response):
        for link in parse_feed(response.body, response.url).links:
            yield scrapy.Request(link.url, callback=self.parse_page)
    def parse_page(self, response):
        global count
        count += 1
started = time.monotonic()  # as for run_crawl: process set-up included
process = CrawlerProcess({"ROBOTSTXT_OBEY": True, "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
                          "DOWNLOAD_DELAY": 0, "LOG_LEVEL": "ERROR",
                          "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False,
                          "DOWNLOADER": "crawler.downloader.PoliteDownloader"})
process.crawl(Bare)
process.start()
open(out, "w").write(f"{count} {time.monotonic() - started}")
'''

SCAMSCOPE = r'''
import sys, time
from crawler.options import CrawlOptions
from crawler.runner import NullSink, run_crawl
from crawler.sources import Source
feed, out, state = sys.argv[1], sys.argv[2], sys.argv[3]
options = CrawlOptions(download_delay=0.0, autothrottle=False, concurrent_per_domain=2,
                       max_pages_per_source=100000, state_path=state)
started = time.monotonic()
summary = run_crawl([Source("bench", "feed", feed)], options, NullSink())
open(out, "w").write(f"{summary.fetched} {time.monotonic() - started}")
'''


def make_site(root: Path, articles: int) -> None:
    folder = root / "articles"
    folder.mkdir(parents=True)
    body = "".join(f"<p>Paragraph {j} about scam centres and the border.</p>" for j in range(12))
    for i in range(articles):
        (folder / f"story-{i:05d}.html").write_text(PAGE.format(i=i, paragraphs=body),
                                                      encoding="utf-8")


def run(code: str, *args: str) -> tuple[int, float]:
    # A file, not -c: Scrapy reads the spider's source code.
    with tempfile.TemporaryDirectory() as tmp:
        script, out = Path(tmp) / "crawl.py", Path(tmp) / "out.txt"
        script.write_text(code, encoding="utf-8")
        subprocess.run([sys.executable, str(script), args[0], str(out), *args[1:]], check=True,
                       cwd=str(REPO), env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
        pages, seconds = out.read_text().split()
    return int(pages), float(seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.02)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        make_site(Path(tmp) / "site", args.articles)
        with SiteServer(Path(tmp) / "site", latency=args.latency) as site:
            feed = site.url("/feed.xml")
            base_pages, base_s = run(BASELINE, feed)
            ours_pages, ours_s = run(SCAMSCOPE, feed, str(Path(tmp) / "state.db"))
    base_rate, ours_rate = base_pages / base_s, ours_pages / ours_s
    print(f"articles: {args.articles}, server latency {args.latency * 1000:.0f} ms, "
          "2 requests per site")
    print(f"baseline (bare Scrapy): {base_pages} pages in {base_s:.2f}s = {base_rate:.1f} pages/s")
    print(f"scamscope crawl stack : {ours_pages} pages in {ours_s:.2f}s = {ours_rate:.1f} pages/s")
    print(f"ratio scamscope/baseline: {ours_rate / base_rate:.2f}")
    print(json.dumps({"baseline_pages_per_s": round(base_rate, 2),
                      "scamscope_pages_per_s": round(ours_rate, 2),
                      "ratio": round(ours_rate / base_rate, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
