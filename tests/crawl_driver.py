"""Run one crawl with a JSON-lines page sink: `python -m tests.crawl_driver SPEC.json`.

Crawls need a fresh process each (Twisted's reactor cannot restart), so tests
run this in a subprocess. SPEC: {"targets": [Source fields...], "options":
{CrawlOptions fields...}, "out": "pages.jsonl", "known": [urls the sink
claims to have], "fail_close": the sink raises in close(), "refuse": [urls the
sink reports as not stored, as a pipeline that lost their batch would]}. Prints the
CrawlSummary as JSON on stdout (or {"error": ...} and exit 3).
"""
from __future__ import annotations

import hashlib
import json
import logging
import sys
from pathlib import Path

from crawler.items import Settled
from crawler.options import CrawlOptions
from crawler.runner import run_crawl
from crawler.sources import Source
from nlp.records import Page, iso


class JsonLinesSink:
    """A PageSink that writes one JSON line per accepted page."""

    def __init__(self, path: str, known: set[str] | None = None, fail_close: bool = False,
                 refuse: set[str] | None = None):
        self.path = Path(path)
        self.refuse = refuse or set()
        self.fail_close = fail_close
        self.known = known or set()
        self.accepted = 0
        self.asked = 0
        self.fh = open(self.path, "a", encoding="utf-8")

    def seen_recently(self, url: str) -> bool:
        self.asked += 1
        return url in self.known

    def accept(self, page: Page) -> list[Settled] | None:
        self.accepted += 1
        if page.url in self.refuse:
            return [Settled(page.url, False, "pipeline_error")]
        self.fh.write(json.dumps({
            "url": page.url, "final_url": page.final_url, "status": page.status,
            "source": page.source, "country": page.country, "encoding": page.encoding, "bytes": len(page.body),
            "sha1": hashlib.sha1(page.body).hexdigest(), "content_type": page.headers.get("content-type"),
            "hint_title": page.hint_title, "hint_lang": page.hint_lang,
            "hint_published": iso(page.hint_published), "fetched_at": iso(page.fetched_at),
        }) + "\n")
        return None  # settled in close(): stored unless it fails

    def stats(self) -> dict[str, int]:
        return {"accepted": self.accepted, "asked_known": self.asked}

    def close(self) -> None:
        self.fh.close()
        if self.fail_close:  # a sink that loses what it buffered
            raise RuntimeError("sink failed while closing")


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    logging.basicConfig(level=logging.DEBUG if "-v" in argv else logging.INFO, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    targets = [Source(**t) for t in spec["targets"]]
    options = CrawlOptions(**spec.get("options", {}))
    sink = JsonLinesSink(spec["out"], set(spec.get("known", [])),
                         fail_close=bool(spec.get("fail_close")),
                         refuse=set(spec.get("refuse", [])))
    try:
        summary = run_crawl(targets, options, sink, install_signal_handlers=False)
    except RuntimeError as exc:
        print(json.dumps({"error": str(exc)}))
        return 3
    print(json.dumps(summary.to_json()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
