"""`scamscope extract FILE|URL`: run the nlp stage on one page and show what it understood.

FILE is an HTML page or a plain-text article ("-" reads stdin), at most
max_page_bytes long; URL (http/https) is fetched once, by the crawler itself: robots.txt,
the private-address guard, max_page_bytes and the User-Agent apply as in a crawl, and the
page is filed under the site's host name as `crawl --url` files it.
--json prints {url, title, lang, published, text, entities: {places, orgs, people, money}, ...}.
Exit codes: 0 ok, 1 nothing extractable or the fetch failed, 2 usage (missing file...).
"""
from __future__ import annotations

import argparse
import json
import sys
import logging
from pathlib import Path
from urllib.parse import urlsplit

from nlp.analyze import Analyzer, Rejected
from nlp.language import normalise_tag
from nlp.records import Article, Page, iso
from scamscope.config import Settings
from scamscope.errors import JobFailed, UserError
from scamscope.understanding import nlp_options


def register(subparsers, parents) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "extract", parents=parents,
        help="extract text, metadata and entities from one page (file or URL)")
    parser.add_argument("source", metavar="FILE|URL", help="HTML or text file (- for stdin), or an http(s) URL")
    parser.add_argument("--url", help="the page's URL when extracting from a file "
                                      "(sets the article id and resolves relative links)")
    parser.add_argument("--lang", metavar="LL", help="force the language (ISO 639-1, e.g. en, fr, th)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def _fetch(url: str, settings: Settings, verbose: int) -> Page:
    """Through the crawler's own fetch (scamscope.crawling.fetch_page)."""
    from scamscope.crawling import fetch_page

    if not verbose:
        # The one-line error below says why a fetch failed; the crawler's and Scrapy's
        # per-request warnings would say it a second and third time.
        for name in ("crawler", "scrapy"):
            logging.getLogger(name).setLevel(logging.ERROR)
    return fetch_page(url, settings)


def _read(path_text: str, url: str | None, limit: int) -> Page:
    """The file's bytes (or stdin's for "-"), never more than limit + 1 of them:
    /dev/zero or a runaway pipe must not fill memory."""
    path = Path(path_text)
    try:
        if path_text == "-":
            body = sys.stdin.buffer.read(limit + 1)
        else:
            with path.open("rb") as stream:
                body = stream.read(limit + 1)
    except FileNotFoundError:
        raise UserError(f"{path_text}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path_text}: is a directory, not a file") from None
    except OSError as exc:
        raise UserError(f"{path_text}: cannot read ({exc.strerror})") from None
    if len(body) > limit:
        raise UserError(f"{path_text} is larger than {limit / 1_000_000:g} MB (max_page_bytes)")
    page_url = url or (path.resolve().as_uri() if path_text != "-" else "stdin:")
    return Page(url=page_url, final_url=page_url, status=200, body=body, source="adhoc")


def _check_url(url: str) -> None:
    """--url names the page on the web: an http(s) address with a host, nothing else."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UserError(f"--url {url!r}: expected an http(s) URL such as "
                        "https://example.org/news/article")


def to_json(article: Article) -> dict:
    entities = article.entities.to_json()
    return {
        "url": article.url,
        "title": article.title,
        "lang": article.lang,
        "published": iso(article.published),
        "text": article.text,
        "entities": entities,
        "id": article.id,
        "source": article.source,
        "relevance": article.relevance,
        "content_hash": article.content_hash,
        "fetched_url": article.fetched_url,
        "final_url": article.final_url,
    }


def _print_human(article: Article) -> None:
    out = sys.stdout.write
    out(f"{article.title or '(no title)'}\n")
    out(f"  url:        {article.url}\n")
    out(f"  language:   {article.lang or '?'}\n")
    out(f"  published:  {iso(article.published) or '?'}\n")
    out(f"  relevance:  {article.relevance:.2f}\n")
    ents = article.entities

    def section(label: str, rows: list[str]) -> None:
        if rows:
            out(f"{label}:\n")
            for row in dict.fromkeys(rows):
                out(f"  {row}\n")

    section("Places", [f"{p.name} ({p.country or '-'})" + (f"  \"{p.text}\"" if p.text != p.name else "")
                       for p in ents.places])
    section("Organisations", [o.name + (f"  \"{o.text}\"" if o.text != o.name else "")
                              for o in ents.orgs])
    section("People", [p.name for p in ents.people])
    section("Money", [f"{m.text}  = {m.amount:,.0f} {m.currency}"
                      + (f" ≈ US${m.usd:,.0f}" if m.usd is not None else "")
                      + (" (approx.)" if m.approx else "") for m in ents.money])
    if ents.nationalities:
        out(f"Nationalities: {', '.join(ents.nationalities)}\n")
    text = article.text
    out(f"Text ({len(text)} characters):\n  {text[:400]}{'…' if len(text) > 400 else ''}\n")


def run(args: argparse.Namespace, settings: Settings) -> int:
    source = args.source
    if args.lang is not None and normalise_tag(args.lang) is None:
        raise UserError(f"--lang {args.lang!r}: expected a two-letter language code such as en, "
                        "fr, th or zh")
    if args.url is not None:
        _check_url(args.url)
    if source.startswith(("http://", "https://")):
        page = _fetch(source, settings, int(getattr(args, "verbose", 0) or 0))
    elif "://" in source:
        raise UserError(f"{source}: only http(s) URLs and local files can be extracted")
    else:
        page = _read(source, args.url, settings.max_page_bytes)
    result = Analyzer(nlp_options(settings)).analyze([page], lang=args.lang)[0]
    if isinstance(result, Rejected):
        detail = f" ({result.detail})" if result.detail else ""
        raise JobFailed(f"nothing to extract from {source}: {result.reason}{detail}")
    if args.json:
        sys.stdout.write(json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_human(result)
    return 0
