"""A small news site on 127.0.0.1, for the demo and the tests.

    with SiteServer(site_dir) as site:
        site.url("/feed.xml")          # http://127.0.0.1:PORT/feed.xml
        site.log.paths()               # what has been requested so far

It serves the files of a site directory (with ETag/Last-Modified and 304s)
and generates, from the articles found in <site>/articles/*.html (their
<title>, <html lang> and <meta property="article:published_time">):

  /feed.xml  RSS 2.0        /atom.xml  Atom         /sitemap.xml  sitemap
  /news-sitemap.xml  Google News sitemap            /sitemap-index.xml
  /list/N.html  paginated listing (a.story links, a[rel=next])   /  home page
  /robots.txt  disallows /private/ (and sets Crawl-delay when asked)

and the awkward corners of the real web:

  /sitemap-private.xml   lists a robots-disallowed URL (/private/…)
  /sitemap-specials.xml  lists every special route below
  /redirect?to=PATH      302 (default: the first article)
  /redirect-private?to=URL  302 to a link-local address (default 169.254.169.254)
  /feed-private.xml      a feed whose entries link to private addresses (and to a
                         host that does not resolve)
  /status/CODE           that status (/status/404, /status/500 ...); unknown paths 404
  /slow?seconds=S        answers after S seconds
  /binary.pdf /image.png non-HTML bodies
  /huge.html             a page of huge_bytes bytes (Content-Length given)
  /huge-stream.html      the same, streamed without Content-Length
  /wrong-charset.html    UTF-8 body declared as ISO-8859-1
  /retry-after?key=K&seconds=S&times=N&status=429   N answers of 429 + Retry-After: S
                         (per key), then an article
  /plain/articles/X.html an article without ETag/Last-Modified
  /feed-odd-links.xml /sitemap-odd-links.xml /list-odd-links.html
                         every article, after links that cannot be fetched (ODD_LINKS:
                         javascript:, mailto:, tel:, port 99999, a broken IPv6 literal)
  /feed-bomb.xml /sitemap-bomb.xml   a billion-laughs entity bomb around real entries
  /feed-truncated.xml /sitemap-truncated.xml   cut off inside the third entry's URL,
                         just after the site's home page URL
  /feed-latin1.xml       a UTF-8 feed served as ISO-8859-1;  /feed-utf16.xml  UTF-16
  /redirect-loop         302 to /redirect-loop?again=1, which sends back (for ever)
  /redirect-file /redirect-broken /redirect-nowhere   302 to file:///etc/passwd, to
                         "http://[::1", and without a Location
  /meta-refresh-loop     a page whose <meta http-equiv=refresh> reloads it at once
  /huge-stream.html?bytes=N  the streamed page, N bytes long
  /__log                 the request log as JSON (not itself logged)

Run it by hand: python -m scamscope.demo.server [SITE_DIR] [--port N]
"""
from __future__ import annotations

import email.utils
import hashlib
import html
import json
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

DEMO_SITE = Path(__file__).with_name("site")
PRIVATE_TARGET = "http://169.254.169.254/latest/meta-data/"
# Links real feeds carry next to their articles; none of them can be fetched.
ODD_LINKS = ("javascript:void(0)", "mailto:desk@example.org", "tel:+6621234567",
             "http://127.0.0.1:99999/x", "http://[::1")
BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10))
                  + "]>")
LISTING_PAGE_SIZE = 5


@dataclass
class ArticleInfo:
    path: str  # /articles/slug.html
    title: str
    lang: str | None
    published: datetime | None
    description: str | None
    mtime: float


@dataclass
class LoggedRequest:
    time: float  # time.monotonic() when the request arrived
    method: str
    path: str  # with the query string
    status: int = 0
    if_none_match: str | None = None
    if_modified_since: str | None = None
    user_agent: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def conditional(self) -> bool:
        return bool(self.if_none_match or self.if_modified_since)


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LoggedRequest] = []

    def add(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self, path: str | None = None, *, prefix: str | None = None) -> list[LoggedRequest]:
        """Requests so far; path matches without the query string, prefix any start."""
        with self._lock:
            items = list(self._entries)
        if path is not None:
            items = [e for e in items if e.path.split("?")[0] == path]
        if prefix is not None:
            items = [e for e in items if e.path.startswith(prefix)]
        return items

    def paths(self) -> list[str]:
        return [e.path for e in self.entries()]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def read_article(path: Path, url_path: str) -> ArticleInfo:
    from lxml import html as lxml_html

    raw = path.read_bytes()
    doc = lxml_html.fromstring(raw)
    title = (doc.findtext(".//title") or "").strip() or path.stem
    lang = doc.get("lang") or None
    published = None
    stamp = doc.xpath("string(//meta[@property='article:published_time']/@content)")
    if stamp:
        try:
            published = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
            if published.tzinfo is None:
                published = published.replace(tzinfo=timezone.utc)
        except ValueError:
            published = None
    description = doc.xpath("string(//meta[@name='description']/@content)") or None
    return ArticleInfo(url_path, " ".join(title.split()), lang, published, description,
                       path.stat().st_mtime)


def http_date(ts: float) -> str:
    return email.utils.formatdate(ts, usegmt=True)


def _xml(text: str | None) -> str:
    return html.escape(text or "", quote=True)


class SiteServer:
    """Threaded HTTP server for a site directory on 127.0.0.1 and a free port."""

    def __init__(self, site_dir: str | Path = DEMO_SITE, *, host: str = "127.0.0.1",
                 port: int = 0, crawl_delay: float | None = None,
                 disallow: tuple[str, ...] = ("/private/",), huge_bytes: int = 6_000_000,
                 slow_seconds: float = 5.0, site_name: str = "Mekong Monitor",
                 latency: float = 0.0, robots_status: int = 200):
        self.site_dir = Path(site_dir)
        self.crawl_delay = crawl_delay
        self.disallow = disallow
        self.huge_bytes = huge_bytes
        self.slow_seconds = slow_seconds
        self.latency = latency  # seconds added to every answer (for concurrency tests)
        self.robots_status = robots_status  # e.g. 404 (no robots.txt) or 503
        self.in_flight = 0  # requests being answered right now
        self.max_in_flight = 0  # the most at once since the last reset()
        self.site_name = site_name
        self.log = RequestLog()
        self._hits: dict[str, int] = {}
        self._hits_lock = threading.Lock()
        self._articles: tuple[tuple, list[ArticleInfo]] | None = None
        handler = type("Handler", (_Handler,), {"site": self})
        self.httpd = _Server((host, port), handler)
        self.httpd.daemon_threads = True
        self.host, self.port = self.httpd.server_address[:2]
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def start(self) -> "SiteServer":
        if self._thread is None:
            self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True,
                                            name=f"site-server-{self.port}")
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self.httpd.server_close()

    def __enter__(self) -> "SiteServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget the request log and the per-key counters of /retry-after."""
        self.log.clear()
        with self._hits_lock:
            self._hits.clear()
            self.max_in_flight = 0

    def hit(self, key: str) -> int:
        with self._hits_lock:
            self._hits[key] = self._hits.get(key, 0) + 1
            return self._hits[key]

    # -- content ---------------------------------------------------------
    def articles(self) -> list[ArticleInfo]:
        """The site's articles, newest first (then by path); re-read when files change."""
        folder = self.site_dir / "articles"
        files = sorted(folder.glob("*.html")) if folder.is_dir() else []
        key = tuple((p.name, p.stat().st_mtime_ns) for p in files)
        with self._hits_lock:
            if self._articles is not None and self._articles[0] == key:
                return list(self._articles[1])
        infos = [read_article(p, f"/articles/{quote(p.name)}") for p in files]
        epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
        infos.sort(key=lambda a: (-(a.published or epoch).timestamp(), a.path))
        with self._hits_lock:
            self._articles = (key, infos)
        return list(infos)

    def article_urls(self) -> list[str]:
        return [self.url(a.path) for a in self.articles()]

    def robots_txt(self) -> str:
        lines = ["User-agent: *"]
        lines += [f"Disallow: {path}" for path in self.disallow]
        if self.crawl_delay:
            lines.append(f"Crawl-delay: {self.crawl_delay:g}")
        lines += ["", f"Sitemap: {self.url('/sitemap.xml')}", ""]
        return "\n".join(lines)

    def rss(self, articles: list[ArticleInfo], title: str | None = None) -> str:
        langs = {a.lang for a in articles}
        channel_lang = f"<language>{_xml(langs.pop())}</language>" if len(langs) == 1 else ""
        items = []
        for a in articles:
            date = f"<pubDate>{http_date(a.published.timestamp())}</pubDate>" if a.published else ""
            lang = f"<dc:language>{_xml(a.lang)}</dc:language>" if a.lang else ""
            items.append(f"<item><title>{_xml(a.title)}</title><link>{_xml(self.url(a.path))}</link>"
                         f"<guid isPermaLink=\"true\">{_xml(self.url(a.path))}</guid>{date}{lang}"
                         f"<description>{_xml(a.description)}</description></item>")
        return ('<?xml version="1.0" encoding="utf-8"?>\n'
                '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
                f"<title>{_xml(title or self.site_name)}</title><link>{self.url('/')}</link>"
                f"<description>{_xml(self.site_name)}</description>{channel_lang}"
                + "".join(items) + "</channel></rss>\n")

    def atom(self, articles: list[ArticleInfo]) -> str:
        entries = []
        for a in articles:
            stamp = a.published.isoformat() if a.published else ""
            lang = f' xml:lang="{_xml(a.lang)}"' if a.lang else ""
            entries.append(f"<entry{lang}><title>{_xml(a.title)}</title>"
                           f'<link rel="alternate" href="{_xml(self.url(a.path))}"/>'
                           f"<id>{_xml(self.url(a.path))}</id><published>{stamp}</published>"
                           f"<updated>{stamp}</updated><summary>{_xml(a.description)}</summary>"
                           "</entry>")
        return ('<?xml version="1.0" encoding="utf-8"?>\n'
                '<feed xmlns="http://www.w3.org/2005/Atom">'
                f"<title>{_xml(self.site_name)}</title><id>{self.url('/')}</id>"
                f'<link rel="self" href="{self.url("/atom.xml")}"/>'
                + "".join(entries) + "</feed>\n")

    def sitemap(self, urls: list[tuple[str, float | None]]) -> str:
        rows = []
        for url, mtime in urls:
            lastmod = (f"<lastmod>{datetime.fromtimestamp(mtime, timezone.utc).date()}</lastmod>"
                       if mtime else "")
            rows.append(f"<url><loc>{_xml(url)}</loc>{lastmod}</url>")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                + "".join(rows) + "</urlset>\n")

    def news_sitemap(self, articles: list[ArticleInfo]) -> str:
        rows = []
        for a in articles:
            stamp = a.published.isoformat() if a.published else ""
            rows.append(f"<url><loc>{_xml(self.url(a.path))}</loc><news:news><news:publication>"
                        f"<news:name>{_xml(self.site_name)}</news:name>"
                        f"<news:language>{_xml(a.lang or 'en')}</news:language>"
                        f"</news:publication><news:publication_date>{stamp}"
                        f"</news:publication_date><news:title>{_xml(a.title)}</news:title>"
                        "</news:news></url>")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                + "".join(rows) + "</urlset>\n")

    def sitemap_index(self, paths: list[str]) -> str:
        rows = "".join(f"<sitemap><loc>{_xml(self.url(p))}</loc></sitemap>" for p in paths)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                + rows + "</sitemapindex>\n")

    def page(self, title: str, body: str, lang: str = "en") -> str:
        return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
                f"<title>{html.escape(title)}</title></head><body>"
                f'<header class="site-header"><a href="/">{html.escape(self.site_name)}</a> '
                '<nav><a href="/list/1.html">Latest</a> <a href="/feed.xml">RSS</a></nav></header>'
                f"<main>{body}</main><footer>© {html.escape(self.site_name)}</footer>"
                "</body></html>\n")

    def listing(self, number: int) -> str | None:
        articles = self.articles()
        pages = max(1, -(-len(articles) // LISTING_PAGE_SIZE))
        if not 1 <= number <= pages:
            return None
        chunk = articles[(number - 1) * LISTING_PAGE_SIZE:number * LISTING_PAGE_SIZE]
        items = "".join(f'<li><a class="story" href="{a.path}">{html.escape(a.title)}</a></li>'
                        for a in chunk)
        nxt = (f'<a rel="next" class="next" href="/list/{number + 1}.html">Older</a>'
               if number < pages else "")
        return self.page(f"Latest news, page {number}",
                         f'<h1>Latest news</h1><ul class="articles">{items}</ul>{nxt}')


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a crawler opens connections in bursts


class _Handler(BaseHTTPRequestHandler):
    site: SiteServer
    protocol_version = "HTTP/1.1"
    server_version = "scamscope-demo/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # no stderr chatter
        return None

    # -- plumbing ----------------------------------------------------------
    def do_HEAD(self) -> None:
        self._handle(head=True)

    def do_GET(self) -> None:
        self._handle(head=False)

    def _handle(self, head: bool) -> None:
        parts = urlsplit(self.path)
        self._entry = None
        if parts.path != "/__log":
            self._entry = LoggedRequest(
                time=time.monotonic(), method=self.command, path=self.path,
                if_none_match=self.headers.get("If-None-Match"),
                if_modified_since=self.headers.get("If-Modified-Since"),
                user_agent=self.headers.get("User-Agent"),
                headers={k.lower(): v for k, v in self.headers.items()})
            self.site.log.add(self._entry)
        self._head = head
        site = self.site
        with site._hits_lock:
            site.in_flight += 1
            site.max_in_flight = max(site.max_in_flight, site.in_flight)
        try:
            if site.latency and parts.path != "/__log":
                time.sleep(site.latency)
            self.route(parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()})
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with site._hits_lock:
                site.in_flight -= 1

    def send(self, status: int, body: bytes | str = b"", ctype: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None, *, validators: bool = False,
             mtime: float | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        headers = dict(headers or {})
        if validators and status == 200:
            etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
            headers["ETag"] = etag
            if mtime:
                headers["Last-Modified"] = http_date(mtime)
            if self._not_modified(etag, mtime):
                status, data = 304, b""
        if self._entry is not None:
            self._entry.status = status
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not self._head and status != 304:
            self.wfile.write(data)

    def _not_modified(self, etag: str, mtime: float | None) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            return etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        ims = self.headers.get("If-Modified-Since")
        if ims and mtime:
            try:
                since = email.utils.parsedate_to_datetime(ims).timestamp()
            except (TypeError, ValueError):
                return False
            return int(mtime) <= int(since)
        return False

    # -- routes ------------------------------------------------------------
    def route(self, path: str, q: dict[str, str]) -> None:
        site = self.site
        articles = site.articles
        generated = {
            "/feed.xml": lambda: (site.rss(articles()), "application/rss+xml; charset=utf-8"),
            "/atom.xml": lambda: (site.atom(articles()), "application/atom+xml; charset=utf-8"),
            "/sitemap.xml": lambda: (site.sitemap([(site.url(a.path), a.mtime)
                                                   for a in articles()]), "application/xml"),
            "/news-sitemap.xml": lambda: (site.news_sitemap(articles()), "application/xml"),
            "/sitemap-index.xml": lambda: (site.sitemap_index(["/sitemap.xml", "/news-sitemap.xml"]),
                                           "application/xml"),
            "/sitemap-private.xml": lambda: (site.sitemap(
                [(site.url(a.path), a.mtime) for a in articles()[:2]]
                + [(site.url("/private/secret.html"), None)]), "application/xml"),
            "/sitemap-specials.xml": lambda: (site.sitemap(
                [(site.url(p), None) for p in SPECIALS] + [(u, None) for u in site.article_urls()[:1]]),
                "application/xml"),
            "/feed-private.xml": lambda: (self._private_feed(), "application/rss+xml; charset=utf-8"),
            **self._hostile_documents(),
        }
        if path in generated:
            body, ctype = generated[path]()
            latest = max((a.mtime for a in articles()), default=None)
            self.send(200, body, ctype, validators=True, mtime=latest)
        elif path == "/robots.txt":
            if site.robots_status == 200:
                self.send(200, site.robots_txt(), "text/plain; charset=utf-8")
            else:
                self.send(site.robots_status, "no robots.txt here", "text/plain")
        elif path == "/__log":
            self.send(200, json.dumps([asdict(e) for e in site.log.entries()]), "application/json")
        elif path == "/":
            items = "".join(f'<li><a href="{a.path}">{html.escape(a.title)}</a></li>'
                            for a in articles())
            self.send(200, site.page(site.site_name, f"<ul>{items}</ul>"))
        elif path.startswith("/list/") and path.endswith(".html"):
            number = path[len("/list/"):-len(".html")]
            body = site.listing(int(number)) if number.isdigit() else None
            if body is None:
                self.send(404, site.page("Not found", "<h1>Not found</h1>"))
            else:
                self.send(200, body, validators=True,
                          mtime=max((a.mtime for a in articles()), default=None))
        elif path == "/redirect":
            target = q.get("to") or (articles()[0].path if articles() else "/")
            self.send(302, b"", headers={"Location": target})
        elif path == "/redirect-loop":
            self.send(302, b"", headers={"Location": "/redirect-loop" if q.get("again")
                                         else "/redirect-loop?again=1"})
        elif path == "/meta-refresh-loop":
            self.send(200, '<html><head><meta http-equiv="refresh" content="0; url=/meta-refresh-loop">'
                      "</head><body>One moment…</body></html>")
        elif path in REDIRECTS_NOWHERE:
            location = REDIRECTS_NOWHERE[path]
            self.send(302, b"", headers={"Location": location} if location else {})
        elif path == "/redirect-private":
            self.send(302, b"", headers={"Location": q.get("to") or PRIVATE_TARGET})
        elif path.startswith("/status/") and path[8:].isdigit():
            code = int(path[8:])
            self.send(code, site.page(f"HTTP {code}", f"<h1>HTTP {code}</h1>"))
        elif path == "/slow":
            time.sleep(float(q.get("seconds") or site.slow_seconds))
            self.send(200, site.page("Slow page", "<p>Finally.</p>"))
        elif path == "/binary.pdf":
            self.send(200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                      "application/pdf")
        elif path == "/image.png":
            self.send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")
        elif path == "/huge.html":
            self.send(200, self._huge(), validators=False)
        elif path == "/huge-stream.html":
            self._stream_huge(int(q["bytes"]) if q.get("bytes", "").isdigit() else None)
        elif path == "/wrong-charset.html":
            body = ('<!DOCTYPE html><html lang="fr"><head><meta charset="iso-8859-1">'
                    "<title>Démantèlement d'un centre d'escroquerie à Sihanoukville</title></head>"
                    "<body><article><h1>Démantèlement d'un centre d'escroquerie</h1>"
                    "<p>La police cambodgienne a libéré des centaines de travailleurs étrangers "
                    "retenus dans un complexe où l'on pratiquait des arnaques en ligne, "
                    "a-t-on appris de source policière à Phnom Penh.</p></article></body></html>")
            self.send(200, body.encode("utf-8"), "text/html; charset=iso-8859-1")
        elif path == "/retry-after":
            key = q.get("key", "default")
            times = int(q.get("times", "1"))
            if site.hit("retry-after:" + key) <= times:
                self.send(int(q.get("status", "429")), "slow down", "text/plain",
                          headers={"Retry-After": q.get("seconds", "1")})
            else:
                self._article_or_page(validators=False)
        elif path.startswith("/private/"):
            self.send(200, site.page("Private", "<p>Robots.txt asks crawlers not to come here.</p>"))
        elif path.startswith("/plain/articles/"):
            self._file(path[len("/plain"):], validators=False)
        else:
            self._file(path, validators=True)

    def _article_or_page(self, validators: bool) -> None:
        articles = self.site.articles()
        if articles:
            self._file(articles[0].path, validators=validators)
        else:
            self.send(200, self.site.page("Hello", "<p>Hello.</p>"))

    def _file(self, path: str, validators: bool) -> None:
        from urllib.parse import unquote

        root = self.site.site_dir.resolve()
        target = (root / unquote(path).lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if root not in target.parents or not target.is_file():
            self.send(404, self.site.page("Not found", "<h1>Not found</h1>"))
            return
        ctype = {".html": "text/html; charset=utf-8", ".css": "text/css",
                 ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
                 ".json": "application/json", ".pdf": "application/pdf",
                 ".png": "image/png"}.get(target.suffix.lower(), "application/octet-stream")
        self.send(200, target.read_bytes(), ctype, validators=validators,
                  mtime=target.stat().st_mtime if validators else None)

    def _private_feed(self) -> str:
        site = self.site
        fake = [ArticleInfo("/redirect-private", "Redirects to the metadata service", "en",
                            None, None, 0.0)]
        body = site.rss(fake, title="Links to private addresses")
        extra = "".join(f"<item><title>Private {i}</title><link>{_xml(u)}</link></item>"
                        for i, u in enumerate(["http://169.254.169.254/latest/meta-data/",
                                               "http://10.0.0.1/internal.html",
                                               "http://localhost:9/admin",
                                               "http://no-such-host.invalid/story.html"]))
        return body.replace("</channel>", extra + "</channel>")

    def _hostile_documents(self) -> dict[str, Any]:
        """Feeds and sitemaps with the faults of real ones (routes in the module docstring)."""
        site = self.site
        rss_type, xml_type = "application/rss+xml; charset=utf-8", "application/xml"
        odd_items = "".join(f"<item><title>Odd {i}</title><link>{_xml(u)}</link></item>"
                            for i, u in enumerate(ODD_LINKS))

        def articles_map(extra: list[str] = ()) -> str:
            return site.sitemap([(u, None) for u in extra] + [(u, None) for u in site.article_urls()])

        def bomb(xml: str, first: str) -> str:  # the bomb's entity in the first entry's title
            head, body = xml.split("\n", 1)
            return head + "\n" + BILLION_LAUGHS + body.replace(first, first + "&lol9;", 1)

        def cut(xml: str, entry: str, field: str) -> str:
            # Inside the third entry's URL, just after the home page's "http://host:port/".
            at = -1
            for _ in range(3):
                at = xml.find(entry, at + 1)
            at = xml.find(field, at) if at >= 0 else -1
            return xml[:at + len(field) + len(site.base_url) + 1] if at >= 0 else xml[:len(xml) // 2]

        def latin1() -> tuple[bytes, str]:
            return site.rss(site.articles(), title="Actualités").encode("utf-8"), \
                "application/rss+xml; charset=iso-8859-1"

        def utf16() -> tuple[bytes, str]:
            xml = site.rss(site.articles(), title="Actualités").replace('encoding="utf-8"',
                                                                         'encoding="utf-16"')
            return xml.encode("utf-16"), "application/rss+xml"

        return {
            "/feed-odd-links.xml": lambda: (site.rss(site.articles()).replace(
                "<item>", odd_items + "<item>", 1), rss_type),
            "/sitemap-odd-links.xml": lambda: (articles_map(list(ODD_LINKS)), xml_type),
            "/list-odd-links.html": lambda: (site.page("Odd links", '<ul class="articles">' + "".join(
                f'<li><a class="story" href="{html.escape(u)}">{html.escape(u)}</a></li>'
                for u in (*ODD_LINKS, *site.article_urls())) + "</ul>"), "text/html; charset=utf-8"),
            "/feed-bomb.xml": lambda: (bomb(site.rss(site.articles()), "<item><title>"), rss_type),
            "/sitemap-bomb.xml": lambda: (bomb(articles_map(), "<url><loc>"), xml_type),
            "/feed-truncated.xml": lambda: (cut(site.rss(site.articles()), "<item>", "<link>"),
                                            rss_type),
            "/sitemap-truncated.xml": lambda: (cut(articles_map(), "<url>", "<loc>"), xml_type),
            "/feed-latin1.xml": latin1,
            "/feed-utf16.xml": utf16,
        }

    def _huge(self) -> bytes:
        head = b"<!DOCTYPE html><html lang=\"en\"><head><title>Huge</title></head><body><p>"
        tail = b"</p></body></html>"
        filler = max(0, self.site.huge_bytes - len(head) - len(tail))
        return head + b"x" * filler + tail

    def _stream_huge(self, size: int | None = None) -> None:
        if self._entry is not None:
            self._entry.status = 200
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if self._head:
            return
        chunk = b"<p>" + b"y" * 65536 + b"</p>"
        sent = 0
        try:
            while sent < (size or self.site.huge_bytes):
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass


REDIRECTS_NOWHERE = {"/redirect-file": "file:///etc/passwd", "/redirect-broken": "http://[::1",
                     "/redirect-nowhere": ""}
SPECIALS = ["/redirect", "/status/404", "/status/500", "/slow", "/binary.pdf", "/image.png",
            "/huge.html", "/wrong-charset.html", "/private/secret.html", "/redirect-private"]


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Serve a scamscope sample site on 127.0.0.1.")
    parser.add_argument("site", nargs="?", default=str(DEMO_SITE))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--crawl-delay", type=float, default=None)
    args = parser.parse_args(argv)
    server = SiteServer(args.site, port=args.port, crawl_delay=args.crawl_delay)
    print(server.base_url, flush=True)
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
