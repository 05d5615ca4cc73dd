"""JSON API: search, articles, subscriptions, exports. Described by /openapi.json."""
from __future__ import annotations

import csv
import html
import inspect
import io
import json
import re
from datetime import datetime, timezone
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi import Query as Param
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field

from indexer.fields import ALL_FACETS, ENTITY_FIELDS, FIELDS
from indexer.query import Hit
from scamscope.web.params import MAX_LIMIT, BadSearch, SearchParams
from scamscope.web.security import bearer_token, token_matches

router = APIRouter(prefix="/api", tags=["api"])

EXPORT_MAX = 10_000
EXPORT_PAGE = 500


def state_of(request: Request):
    return request.app.state.web


# ------------------------------------------------------------ parameters

_DOCUMENTED: list[tuple[str, Any, str]] = [  # (parameter, type, description), in order
    ("q", str, 'Full text: words, "phrases", OR, -exclude, (groups), prefix*'),
    *((f.name, list[str], f"{f.help[0].upper()}{f.help[1:]} (or comma-separated)")
      for f in FIELDS),  # country, place, org, person, lang, source: indexer.fields
    ("min_usd", str, "The article mentions at least this many US dollars"),
    ("since", str, "From date: YYYY-MM-DD, ISO timestamp or an age such as 7d"),
    ("until", str, "To date, inclusive"),
    ("min_relevance", str, "Relevance to scam centres, 0..1"),
    ("sort", str, "relevance (default), date (newest first) or indexed (oldest first)"),
    ("page", str, "Page number, from 1 (the CLI's --page)"),
    ("limit", str, "Hits per page (default 20, at most 100); for exports, how many "
                   "to export (default and most 10000)"),
    ("all_languages", str, "1: also match the query's topic words and entity names in the "
                           "other catalogue languages; the response lists them in `expansions`"),
]


def _search_dependency(max_limit: int):
    def search_params(request: Request, **_documented: Any) -> SearchParams:
        # The declared parameters document the API; the values are read once,
        # the same way for pages and API, from the raw query string.
        return SearchParams.from_multi(request.query_params.getlist, max_limit=max_limit)

    # FastAPI reads the parameters (and the OpenAPI document) from this signature.
    search_params.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                          annotation=Request),
        *(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None,
                            annotation=Annotated[kind | None, Param(description=text)])
          for name, kind, text in _DOCUMENTED)])
    return search_params


search_params = _search_dependency(MAX_LIMIT)
export_params = _search_dependency(EXPORT_MAX)


def bad_request(exc: BadSearch) -> HTTPException:
    return HTTPException(status_code=400, detail=str(exc))


# --------------------------------------------------------------- search

class HitOut(BaseModel):
    id: str
    url: str
    title: str
    published: str | None = Field(description="ISO 8601 UTC")
    lang: str | None
    source: str
    snippet: str = Field(description="HTML-escaped text, matched words in <mark>...</mark>")
    entities: dict = Field(description="places, orgs, people, money, nationalities "
                                       "(see `scamscope extract --json`)")
    relevance: float
    story_id: str


class FacetValueOut(BaseModel):
    value: str
    count: int


class ExpansionOut(BaseModel):
    matched: str = Field(description="the query's words, folded")
    kind: str = Field(description="concept, place, country or org")
    name: str = Field(description="the concept or the entity's canonical name")
    added: list[str] = Field(description="the names OR-ed with the words")
    truncated: bool = Field(description="the query's budget of terms cut some names")


class SearchOut(BaseModel):
    total: int
    hits: list[HitOut]
    facets: dict[str, list[FacetValueOut]] = Field(
        description=f"{', '.join(ALL_FACETS)}: the most frequent values")
    expansions: list[ExpansionOut] | None = Field(
        None, description="with all_languages=1: what the thesaurus added")


class ErrorOut(BaseModel):
    detail: str


ERRORS = {400: {"model": ErrorOut, "description": "The search cannot run (the message says why)"}}

@router.get("/search", summary="Search articles",
            responses={200: {"model": SearchOut}, **ERRORS},
            description="Same parameters and the same JSON as `scamscope search --json`: "
                        "{total, hits: [{id, url, title, published, lang, source, snippet, "
                        "entities}], facets}, plus `expansions` with all_languages=1. "
                        "Snippets are HTML-escaped text with <mark> around matched words.")
def api_search(request: Request, params: Annotated[SearchParams, Depends(search_params)]):
    state = state_of(request)
    try:
        query = params.to_query(names=state.names)
    except BadSearch as exc:
        raise bad_request(exc) from None
    out = state.search(query).to_json()
    if query.all_languages:
        out["expansions"] = [e.to_json() for e in query.expansions()]
    return out


class CopyOut(BaseModel):
    id: str
    url: str
    title: str
    source: str
    published: str | None = Field(description="ISO 8601 UTC")


class ArticleOut(BaseModel):
    id: str
    url: str = Field(description="canonical URL")
    title: str
    text: str = Field(description="the extracted text; entity offsets point into it")
    lang: str | None
    published: str | None = Field(description="ISO 8601 UTC")
    source: str
    fetched_url: str = Field(description="provenance: the URL fetched")
    final_url: str = Field(description="provenance: the URL after redirects")
    fetched_at: str | None = Field(description="provenance: ISO 8601 UTC")
    status: int | None = Field(description="provenance: HTTP status")
    content_hash: str | None = Field(description="provenance: hash of the text")
    story_id: str = Field(description="articles of one wire story share it")
    entities: dict = Field(description="places, orgs, people, money with surface text, "
                                       "canonical values and character offsets (see "
                                       "`scamscope extract --json`)")
    relevance: float = Field(description="relevance to scam centres, 0..1")
    indexed_at: str | None = Field(default=None, description="ISO 8601 UTC")
    same_story: list[CopyOut] = Field(description="other copies of the same wire story")


@router.get("/articles/{article_id}", summary="One article with entities and provenance",
            responses={200: {"model": ArticleOut},
                       404: {"model": ErrorOut, "description": "No article has this id"}},
            description="The stored article record, plus `same_story`: other copies of the "
                        "same wire story.")
def api_article(request: Request, article_id: str):
    state = state_of(request)
    article = state.get(article_id)
    if article is None:
        raise HTTPException(status_code=404, detail=f"no article with id {article_id!r}")
    data = article.to_json()
    data["same_story"] = [
        {"id": a.id, "url": a.url, "title": a.title, "source": a.source,
         "published": a.to_json()["published"]} for a in state.same_story(article)]
    return data


# -------------------------------------------------------------- suggest

class SuggestionOut(BaseModel):
    value: str = Field(description="What the filter takes: the canonical name (ISO code "
                                   "for countries)")
    label: str = Field(description="The name that matched, as the reader may know it")
    count: int = Field(description="Articles in the index with this value (0 if none)")


class SuggestOut(BaseModel):
    field: str
    q: str
    suggestions: list[SuggestionOut]


def suggest_fields() -> tuple[str, ...]:
    from indexer.fields import ALL_FACETS
    from scamscope.names import TABLE_FIELDS

    return tuple(dict.fromkeys((*TABLE_FIELDS, *ALL_FACETS)))


@router.get("/suggest", summary="Suggest filter names as the reader types",
            responses={200: {"model": SuggestOut}, **ERRORS},
            description="Names for a filter box: the index's own values plus the alias "
                        "tables (any language, case and accents ignored), matching the "
                        "start of the name or of one of its words; the exact name first, "
                        "values the index holds before others.")
def api_suggest(request: Request,
                field: Annotated[str, Param(description="A filter of /api/search: country, "
                                                        "place, org, lang, source...")],
                q: Annotated[str, Param(description="What has been typed so far")] = "",
                limit: Annotated[int, Param(ge=1, le=20, description="At most this many "
                                                                     "(default 10)")] = 10):
    from scamscope.names import MAX_NAME_CHARS

    if field not in suggest_fields():
        raise HTTPException(status_code=400, detail=f"field must be one of "
                                                    f"{', '.join(suggest_fields())}")
    if len(q) > MAX_NAME_CHARS:
        raise HTTPException(status_code=400, detail=f"q must be at most {MAX_NAME_CHARS} "
                                                    "characters")
    found = state_of(request).names.suggest(field, q, limit)
    return {"field": field, "q": q,
            "suggestions": [{"value": s.value, "label": s.label, "count": s.count}
                            for s in found]}


# --------------------------------------------------------------- export

def _all_hits(request: Request, params: SearchParams) -> tuple[int, list[Hit], dict]:
    """Every hit of the search (at most `limit` if given, else EXPORT_MAX), page by page."""
    wanted = params.limit if "limit" in request.query_params else EXPORT_MAX
    state = state_of(request)
    try:
        params = params.canonical(state.names)  # resolved once for every page below
        query = params.to_query(limit=min(EXPORT_PAGE, wanted), offset=0, facets=False)
    except BadSearch as exc:
        raise bad_request(exc) from None
    results = state.search(query)
    hits = list(results.hits)
    while len(hits) < min(wanted, results.total):
        more = state.search(params.to_query(limit=min(EXPORT_PAGE, wanted - len(hits)),
                                            offset=len(hits), facets=False))
        if not more.hits:
            break
        hits.extend(more.hits)
    return results.total, hits[:wanted], query.to_json()


_TAGS = re.compile(r"</?mark>")


def plain(snippet: str) -> str:
    return html.unescape(_TAGS.sub("", snippet or ""))


def _filename(ext: str) -> str:
    return f"scamscope-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}.{ext}"


@router.get("/export.json", summary="Export a result set as JSON",
            description=f"Every matching article (at most {EXPORT_MAX}, or `limit`), "
                        "same filters as /api/search.")
def export_json(request: Request, params: Annotated[SearchParams, Depends(export_params)]):
    total, hits, query = _all_hits(request, params)
    body = {"query": query, "total": total, "exported": len(hits),
            "exported_at": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
            "hits": [h.to_json() for h in hits]}
    return Response(json.dumps(body, ensure_ascii=False, indent=1),
                    media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{_filename("json")}"'})


CSV_COLUMNS = ("id", "published", "source", "lang", "title", "url",
               *(f.store for f in ENTITY_FIELDS), "max_usd", "relevance", "story_id", "snippet")


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: formulas from crawled content are defused."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def hit_row(hit: Hit) -> list[str]:
    usd = hit.entities.max_usd()
    values = {
        "id": hit.id, "published": hit.published, "source": hit.source, "lang": hit.lang,
        "title": hit.title, "url": hit.url,
        **{f.store: f.separator.join(f.of(hit.entities)) for f in ENTITY_FIELDS},
        "max_usd": f"{usd:.0f}" if usd is not None else "",
        "relevance": f"{hit.relevance:.3f}", "story_id": hit.story_id,
        "snippet": plain(hit.snippet),
    }
    return [csv_cell(values[c]) for c in CSV_COLUMNS]


@router.get("/export.csv", summary="Export a result set as CSV",
            description=f"One row per matching article (at most {EXPORT_MAX}, or `limit`), "
                        "same filters as /api/search.",
            response_class=Response)
def export_csv(request: Request, params: Annotated[SearchParams, Depends(export_params)]):
    _, hits, _ = _all_hits(request, params)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for hit in hits:
        writer.writerow(hit_row(hit))
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{_filename("csv")}"'})


# -------------------------------------------------------- subscriptions

bearer = HTTPBearer(auto_error=False, description="settings.web_token (SCAMSCOPE_WEB_TOKEN)")


def require_token(request: Request) -> None:
    expected = state_of(request).settings.web_token
    if not expected:
        raise HTTPException(status_code=403, detail="write actions are disabled: start the "
                                                    "server with SCAMSCOPE_WEB_TOKEN set")
    if not token_matches(bearer_token(request.headers.get("authorization")), expected):
        raise HTTPException(status_code=401, detail="missing or wrong token: send "
                                                    "'Authorization: Bearer <web token>'",
                            headers={"WWW-Authenticate": "Bearer"})


class TokenFirst(APIRoute):
    """A route that checks the write token before anything else: FastAPI reads and
    validates a body before it solves dependencies, so a stranger's 50 MB would be
    parsed (and answered 422) before being refused."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            require_token(request)
            return await handler(request)

        return checked


# Every route here needs the token; `bearer` documents the scheme in /openapi.json.
writes = APIRouter(route_class=TokenFirst, dependencies=[Depends(bearer)])


class SubscriptionIn(BaseModel):
    email: str | None = Field(None, description="Where digests go by e-mail")
    webhook: str | None = Field(None, description="Or: the http(s) URL digests are POSTed to "
                                                  "as signed JSON")
    every: Literal["instant", "hourly", "daily"] = "daily"
    q: str | None = None
    country: list[str] = []
    place: list[str] = []
    org: list[str] = []
    lang: list[str] = []
    source: list[str] = []
    min_usd: str | float | None = None
    min_relevance: str | float | None = None
    since: str | None = None
    until: str | None = None


@writes.get("/subscriptions", summary="List saved searches (needs the token)",
            description='{"subscriptions": [...]}, the same rows as `scamscope subscriptions '
                        'list --json` (with `pending`) plus `search_url`.')
def api_subscriptions(request: Request):
    from scamscope.web import subs

    return {"subscriptions": subs.listing(state_of(request))}


@writes.post("/subscriptions", status_code=201,
             summary="Save a search for an e-mail address or a webhook URL",
             description="Give `email` or `webhook`, not both. 201 with the new subscription "
                         "(`created_now: true`); 200 with the existing one "
                         "(`created_now: false`) when the same target already has the same "
                         "search and frequency.")
def api_subscribe(request: Request, body: SubscriptionIn):
    from scamscope.web import subs

    if (body.email is None) == (body.webhook is None):
        raise HTTPException(status_code=400, detail="give either 'email' or 'webhook' "
                                                    "(where digests go), not both")
    channel, target = ("email", body.email) if body.webhook is None else ("webhook",
                                                                          body.webhook)
    data = body.model_dump(exclude={"email", "webhook", "every"})
    params = SearchParams.from_mapping({k: v for k, v in data.items() if v not in (None, [])})
    try:
        query = params.to_query(facets=False)
    except BadSearch as exc:
        raise bad_request(exc) from None
    try:
        sub, created = subs.create(state_of(request), target, query, body.every,
                                   channel=channel)
    except subs.Invalid as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    return JSONResponse({**subs.to_json(sub), "created_now": created},
                        status_code=201 if created else 200)


@writes.delete("/subscriptions/{sub_id}", status_code=204, summary="Remove a saved search",
               response_class=Response)
def api_unsubscribe(request: Request, sub_id: int):
    from scamscope.web import subs

    if not subs.remove(state_of(request), sub_id):
        raise HTTPException(status_code=404, detail=f"no subscription {sub_id}")
    return Response(status_code=204)


router.include_router(writes)
