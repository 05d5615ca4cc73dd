"""Digests: the outbox rows of one subscription, rendered for its channel.

    from alerts.digest import create_due_digests, load_digest, build_message, build_payload
    ids = create_due_digests(subs, now=now, max_articles=50)   # assigns queued rows
    digest = load_digest(subs, digest_id)                         # Digest: row, subscription, hits
    message = build_message(digest, options)   # e-mail: EmailMessage, ready to send
    payload = build_payload(digest, options)   # webhook: the JSON body

A digest is created (rows assigned, subscription's last_digest_at set) in one
transaction, and is rendered from those stored rows every time it is sent, so a retry
sends the same content under the same Message-ID (<digest-ID@domain>), or the same
digest id to a webhook: a copy that a crash made us send twice is recognisable.

A subscription has at most one unsent digest at a time: while one is pending (receiver down),
new articles wait in the outbox and go in the next digest.

The message is multipart/alternative (plain text, then HTML from Jinja2 templates in
alerts/templates/ with autoescaping, so crawled titles and text can never inject markup).
Each article shows title, source, date, link, the snippet with the matched terms
highlighted, and why it matched: the query's words and the countries, places,
organisations and amounts in the article that the saved filters asked for.
Headers include List-Unsubscribe (the signed one-click link,
{public_url}/unsubscribe?token=...) and List-Unsubscribe-Post: List-Unsubscribe=One-Click
(RFC 8058).
"""
from __future__ import annotations

import email.policy
import html
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from alerts import store
from alerts.store import DigestRow
from alerts.subscriptions import Subscription, Subscriptions, is_due
from alerts.tokens import unsubscribe_token
from indexer.fields import ENTITY_FIELDS, FIELDS
from indexer.query import Query, fold, positive_terms
from nlp.records import Entities

TEMPLATES = Path(__file__).parent / "templates"
_HEADER_POLICY = email.policy.default.clone(max_line_length=998)


@dataclass
class DigestOptions:
    mail_from: str = "scamscope <alerts@localhost>"
    public_url: str = "http://127.0.0.1:8000"
    secret: bytes = b""
    max_articles: int = 50


# ------------------------------------------------------------------ creating


def create_due_digests(subs: Subscriptions, *, now: datetime, max_articles: int = 50,
                       mail_from: str = "scamscope <alerts@localhost>",
                       frequencies: Iterable[str] | None = None,
                       daily_at: tuple[int, int] = (7, 0),
                       hour: timedelta = timedelta(hours=1)) -> list[str]:
    """Create one digest for each due subscription with queued articles; returns their ids."""
    wanted = set(frequencies) if frequencies is not None else None
    waiting = subs.store.waiting_counts()
    created = []
    for sub in subs.list(active_only=True):
        if sub.id not in waiting or (wanted is not None and sub.frequency not in wanted):
            continue
        if not is_due(sub, now, daily_at=daily_at, hour=hour):
            continue
        digest_id = uuid.uuid4().hex
        if subs.store.create_digest(sub.id, digest_id, now=now, max_articles=max_articles,
                                    message_id=message_id(digest_id, mail_from)):
            created.append(digest_id)
    return created


@dataclass
class Digest:
    """A stored digest with what every channel renders: its subscription and articles."""
    row: DigestRow
    subscription: Subscription
    hits: list[dict]


def load_digest(subs: Subscriptions, digest_id: str) -> Digest:
    """LookupError (UnknownSubscription) if the digest or its subscription is gone."""
    found = subs.store.digest(digest_id)
    if found is None:
        raise LookupError(f"no digest {digest_id}")
    row, hits = found
    return Digest(row=row, subscription=subs.get(row.subscription_id),
                  hits=[json.loads(h) for h in hits])


# ----------------------------------------------------------------- rendering

_MARK = re.compile(r"(<mark>.*?</mark>)", re.S)


def safe_snippet(snippet: str) -> Markup:
    """The index's snippet (escaped text with <mark>) re-escaped: only <mark> survives."""
    out = []
    for part in _MARK.split(snippet or ""):
        if part.startswith("<mark>") and part.endswith("</mark>"):
            out.append(Markup("<mark>%s</mark>") % html.unescape(part[6:-7]))
        else:
            out.append(escape(html.unescape(part)))
    return Markup("").join(out)


def plain_snippet(snippet: str) -> str:
    return html.unescape(_MARK.sub(lambda m: "*" + m.group(1)[6:-7] + "*", snippet or ""))


def highlight(text: str, terms: list[str]) -> Markup:
    """Escape text, wrapping whole-word (or prefix) matches of the query's terms in <mark>."""
    if not text or not terms:
        return escape(text or "")
    wanted = {fold(t) for t in terms if t}
    out, pos = [], 0
    for match in re.finditer(r"\w+", text):
        word = fold(match.group(0))
        if word in wanted or any(word.startswith(t) and len(t) >= 4 for t in wanted):
            out.append(escape(text[pos:match.start()]))
            out.append(Markup("<mark>%s</mark>") % match.group(0))
            pos = match.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def _usd(value: float | None) -> str:
    if value is None:
        return ""
    for size, suffix in ((1e9, " billion"), (1e6, " million")):
        if value >= size:
            return f"US${value / size:,.1f}{suffix}".replace(".0 ", " ")
    return f"US${value:,.0f}"


def explain(query: Query, entities: Entities | dict[str, Any] | None) -> list[dict[str, Any]]:
    """Why an article matched: one row per entity field (indexer.fields), the items the
    saved filters asked for (matched=True, folded exactly as the index folds them), or,
    for fields the query did not filter on, what the article mentions."""
    if not isinstance(entities, Entities):
        entities = Entities.from_json(entities)
    rows: list[dict[str, Any]] = []
    for f in ENTITY_FIELDS:
        wanted = f.values(query)
        if wanted:
            names = f.matching(entities, wanted)
        elif f.explain_always:
            names = f.of(entities)
        else:
            continue
        if names:
            rows.append({"label": f.plural, "matched": bool(wanted),
                         "values": [f.describe(name) for name in names[:8]]})

    amounts = [m for m in entities.money if m.text]
    if query.min_usd is not None:
        amounts = [m for m in amounts if (m.usd or 0) >= query.min_usd]
    amounts.sort(key=lambda m: -(m.usd or 0))
    values = []
    for m in amounts[:5]:
        usd = _usd(m.usd)
        values.append(f"{m.text} (≈ {usd})" if usd and m.currency != "USD" else m.text)
    if values:
        rows.append({"label": "Amounts", "matched": query.min_usd is not None, "values": values})
    return rows


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # HTML templates (*.html.j2) autoescape everything; the plain-text part is not HTML,
    # so escaping it would only show "&lt;" to the reader.
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(enabled_extensions=("html.j2",),
                                                   default_for_string=True, default=False),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    return env


def _date(value: str | None) -> str:
    return (value or "")[:10] or "undated"


def _safe_url(url: str | None) -> str | None:
    return url if url and re.match(r"^https?://", url, re.I) else None


def digest_context(sub: Subscription, rows: list[dict], options: DigestOptions,
                   token: str) -> dict[str, Any]:
    query = sub.query
    try:
        terms = positive_terms(query.parsed())
    except ValueError:
        terms = []
    articles = []
    for hit in rows:
        snippet = hit.get("snippet") or ""
        articles.append({
            "title": hit.get("title") or hit.get("url") or "(untitled)",
            "title_html": highlight(hit.get("title") or hit.get("url") or "(untitled)", terms),
            "url": _safe_url(hit.get("url")),
            "raw_url": hit.get("url") or "",
            "source": hit.get("source") or "",
            "date": _date(hit.get("published")),
            "lang": hit.get("lang") or "",
            "snippet_html": safe_snippet(snippet),
            "snippet_text": plain_snippet(snippet),
            "why": explain(query, hit.get("entities") or {}),
        })
    base = options.public_url.rstrip("/")
    return {
        "subscription": sub,
        "search": sub.describe_query(),
        "phrase": search_phrase(query),
        "terms": terms,
        "articles": articles,
        "count": len(articles),
        "frequency": sub.frequency,
        "unsubscribe_url": f"{base}/unsubscribe?token={token}",
        "public_url": base,
    }


# How a subject line introduces each field's filter values; a field not named here reads
# "mentioning …" (entities) or "<label> …".
_PHRASE = {"country": "in", "place": "in", "org": "mentioning", "lang": "in language",
           "source": "from"}


def search_phrase(query: Query) -> str:
    """The saved search in words, for subjects and headings, on one line:
    'for "scam centre" OR compound in Myanmar (MM) mentioning Prince Group'."""
    parts = []
    if query.text and query.text.strip():
        parts.append(f"for {query.text}")
    for f in FIELDS:
        values = f.values(query)
        if values:
            intro = _PHRASE.get(f.name) or ("mentioning" if f.entity else f.label.lower())
            parts.append(f"{intro} " + " or ".join(f.describe(v) for v in values))
    if query.min_usd is not None:
        parts.append(f"over {_usd(query.min_usd)}")
    if query.min_relevance is not None:
        parts.append(f"with relevance ≥ {query.min_relevance:.15g}")
    if query.all_languages and parts:
        parts.append("(in every language)")
    # One line whatever the user typed: it goes into a Subject header.
    return " ".join(" ".join(parts).split()) or "for every article"


def subject(sub: Subscription, count: int) -> str:
    noun = "article" if count == 1 else "articles"
    text = f"scamscope: {count} new {noun} {search_phrase(sub.query)}"
    return text if len(text) <= 120 else text[:117] + "..."


def _render(digest: Digest, options: DigestOptions) -> dict[str, Any]:
    sub = digest.subscription
    return digest_context(sub, digest.hits, options, unsubscribe_token(options.secret, sub.id))


def build_message(digest: Digest, options: DigestOptions) -> EmailMessage:
    """The e-mail for a stored digest; the same bytes every time it is built."""
    row = digest.row
    context = _render(digest, options)
    env = _environment()
    text = env.get_template("digest.txt.j2").render(context)
    body = env.get_template("digest.html.j2").render(context)

    message = EmailMessage()
    message["Subject"] = subject(digest.subscription, len(digest.hits))
    message["From"] = options.mail_from
    message["To"] = Address(addr_spec=row.target)
    message["Date"] = format_datetime(row.created)
    message["Message-ID"] = row.message_id
    message["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message["X-Scamscope-Digest"] = row.id
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(body, subtype="html", cte="quoted-printable")
    # Headers are folded at 998 characters, not 78: a long List-Unsubscribe URL must stay
    # one plain token, never become an RFC 2047 encoded word that mail clients cannot use.
    message.policy = _HEADER_POLICY
    return message


def build_payload(digest: Digest, options: DigestOptions) -> dict[str, Any]:
    """The JSON body a webhook receives; the same content every time it is built.

    {digest, created, text, count, subscription: {id, search, query, frequency},
     articles: [{id, url, title, published, lang, source, snippet, why: [{label, matched,
     values}]}], unsubscribe_url}. `text` is the subject line, so chat webhooks that
    show a "text" field (Slack, Mattermost, Matrix bridges) read well as they are;
    snippets are plain text (matched words between *asterisks*).
    """
    context = _render(digest, options)
    sub = digest.subscription
    return {
        "digest": digest.row.id,
        "created": store.ts(digest.row.created),
        "text": subject(sub, len(digest.hits)),
        "count": len(digest.hits),
        "subscription": {"id": sub.id, "search": sub.describe_query(),
                         "query": sub.query.to_json(), "frequency": sub.frequency},
        "articles": [{"id": hit.get("id"), "url": a["raw_url"], "title": a["title"],
                      "published": hit.get("published"), "lang": a["lang"],
                      "source": a["source"], "snippet": a["snippet_text"], "why": a["why"]}
                     for hit, a in zip(digest.hits, context["articles"])],
        "unsubscribe_url": context["unsubscribe_url"],
    }


def message_id(digest_id: str, mail_from: str) -> str:
    """<digest-ID@domain of the From address>: fixed when the digest is created."""
    address = parseaddr(mail_from)[1]
    domain = address.rpartition("@")[2] or "localhost"
    if not re.fullmatch(r"[A-Za-z0-9.-]+", domain):
        domain = "localhost"
    return f"<digest-{digest_id}@{domain}>"
