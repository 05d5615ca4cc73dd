"""Server-rendered pages: search, article, saved searches, login, unsubscribe."""
from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import Annotated, Any, Mapping

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from indexer.errors import QuerySyntaxError
from indexer.fields import FIELDS, country_name
from nlp.records import iso
from scamscope.web import charts, render
from scamscope.web.api import search_params
from scamscope.web.params import BadSearch, SearchParams, iter_pages
from scamscope.web.security import (CSRF_COOKIE, CSRF_FIELD, SESSION_COOKIE, SESSION_MAX_AGE,
                                    Csrf, token_matches)

router = APIRouter(include_in_schema=False)

FREQUENCIES = ("daily", "hourly", "instant")
# Facet values shown at once; the rest (up to FACET_MORE) behind "more".
FACET_SHOWN = 10
FACET_MORE = 50
TIMELINE_UNITS = ("day", "week", "month")


def state_of(request: Request):
    return request.app.state.web


def logged_in(request: Request) -> bool:
    return state_of(request).sessions.valid(request.cookies.get(SESSION_COOKIE))


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def render_page(request: Request, name: str, context: Mapping[str, Any] | None = None, *,
                status: int = 200, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """Render a template with the CSRF form token (setting its cookie when new)."""
    state = state_of(request)
    cookie = request.cookies.get(CSRF_COOKIE) or ""
    fresh = not (8 <= len(cookie) <= 64 and cookie.replace("-", "").replace("_", "").isalnum())
    if fresh:
        cookie = Csrf.new_cookie()
    page = state.templates.get_template(name).render(
        request=request, csrf_field=CSRF_FIELD, csrf_token=state.csrf.form_token(cookie),
        logged_in=logged_in(request), country_name=country_name, fields=FIELDS,
        **(context or {}))
    response = HTMLResponse(page, status_code=status, headers=dict(headers or {}))
    if fresh:
        response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="strict",
                            secure=_secure(request), path="/")
    return response


def error_page(request: Request, status: int, message: str, *,
               headers: Mapping[str, str] | None = None) -> HTMLResponse:
    return render_page(request, "error.html", {"status": status, "message": message},
                       status=status, headers=headers)


# ---------------------------------------------------------------- search

def _facet_rows(params: SearchParams, results) -> list[dict[str, Any]]:
    rows = []
    for f in FIELDS:  # a facet's name is also the parameter that filters on it
        values = results.facets.get(f.name) or []
        if not values:
            continue
        items = [{"value": fv.value, "label": f.describe(fv.value), "count": fv.count,
                  "active": params.has(f.name, fv.value),
                  "url": params.toggled(f.name, fv.value).url("/")} for fv in values]
        rows.append({"name": f.name, "label": f.label, "entries": items[:FACET_SHOWN],
                     "more": items[FACET_SHOWN:]})
    return rows


def _charts(state, params: SearchParams, query, results, unit: str | None) -> dict[str, Any]:
    buckets, partial = state.timeline(query, unit=unit)

    def bucket_link(bucket: charts.Bucket) -> str:
        return replace(params, since=bucket.start.isoformat(), until=bucket.end.isoformat(),
                       page=1).url("/")

    def unit_link(name: str) -> str:
        base = params.url("/")
        return base + ("&" if "?" in base else "?") + f"timeline={name}"

    countries = [(fv.value, fv.count) for fv in results.facets.get("country") or []]
    return {
        "timeline": charts.timeline_svg(buckets, link=bucket_link),
        "timeline_partial": partial,
        "timeline_unit": unit or "",
        "timeline_units": [(name, unit_link(name)) for name in TIMELINE_UNITS],
        "countries": charts.bars_svg(countries,
                                     link=lambda code: params.toggled("country", code).url("/")),
    }


# Off by default, like the CLI, the API and saved searches, so a count on the page is
# the count everywhere and a plain word means exactly that word; the box sits under
# the search field and, when it is off, the page names the words the thesaurus could
# carry into other languages, with a link that turns it on.
ALL_LANGUAGES_ON_THE_PAGE = False


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, params: Annotated[SearchParams, Depends(search_params)]):
    state = state_of(request)
    context: dict[str, Any] = {"params": params, "error": None, "results": None,
                               "frequencies": FREQUENCIES, "email": "", "every": "daily"}
    unit = request.query_params.get("timeline")
    unit = unit if unit in TIMELINE_UNITS else None
    context["all_languages"] = params.all_languages in ("1", "true", "on", "yes")
    try:
        # names as the index holds them, so facets, chips and links match what was typed
        params = params.canonical(state.names)
        context["params"] = params
        query = params.to_query(all_languages=ALL_LANGUAGES_ON_THE_PAGE)
        query.facet_size = FACET_MORE
        results = state.search(query)
    except (BadSearch, QuerySyntaxError) as exc:
        context["error"] = str(exc)
        return render_page(request, "search.html", context, status=400)
    context["all_languages"] = query.all_languages
    last = max(1, math.ceil(results.total / params.limit))
    # the article page keeps the search: its back link and highlighted words
    keep = params.querystring()
    hits = [{"hit": hit, "chips": render.chips(hit.entities, query=query),
             "url": f"/articles/{hit.id}" + (f"?{keep}" if keep else "")}
            for hit in results.hits]
    context.update(
        results=results, hits=hits, facets=_facet_rows(params, results),
        chip_url=lambda chip: params.toggled(chip.param, chip.value).url("/"),
        first=query.offset + 1, last_shown=query.offset + len(results.hits),
        pages=[(n, params.with_page(n).url("/") if n else None) for n in iter_pages(params.page,
                                                                                   last)],
        prev_url=params.with_page(params.page - 1).url("/") if params.page > 1 else None,
        next_url=params.with_page(params.page + 1).url("/") if params.page < last else None,
        last_url=params.with_page(last).url("/"),
        active=[{"name": n, "value": v, "url": params.without(n, v).url("/")}
                for n, v in params.active_filters()],
        clear_url=SearchParams(q=params.q, sort=params.sort).url("/"),
        api_url=params.url("/api/search"),
        csv_url=params.url("/api/export.csv", with_page=False),
        json_url=params.url("/api/export.json", with_page=False),
        hidden=[(n, v) for n, v in params.items(with_page=False) if n not in ("limit", "sort")],
        expansions=query.expansions(),
        # off: say which words other languages have names for, one click away
        could_expand=[] if query.all_languages else replace(
            query, all_languages=True).expansions(),
        all_languages_url=replace(params, page=1, all_languages="1").url("/"),
        **_charts(state, params, query, results, unit),
    )
    return render_page(request, "search.html", context)


# ------------------------------------------------------------ API page

@router.get("/api", response_class=HTMLResponse)
def api_page(request: Request):
    """The API reference, from the app's own OpenAPI document (no external scripts)."""
    from scamscope.web import apidoc

    doc = request.app.openapi()
    return render_page(request, "api.html", {"doc": doc, "operations": apidoc.operations(doc),
                                             "schemas": apidoc.schemas(doc)})


# --------------------------------------------------------------- article

@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str,
                 params: Annotated[SearchParams, Depends(search_params)]):
    """One article; the query string is the search it was opened from, if any."""
    state = state_of(request)
    article = state.get(article_id)
    if article is None:
        return error_page(request, 404, f"no article with id {article_id!r}")
    ents = article.entities
    try:
        query = params.canonical().to_query(facets=False)
    except BadSearch:
        query = None  # a search that cannot run explains nothing here; still show the article
    context = {
        "back_url": params.url("/"),
        "searched": query is not None and not params.is_empty(),
        "article": article,
        "published": iso(article.published),
        "fetched_at": iso(article.fetched_at),
        "indexed_at": iso(article.indexed_at),
        "paragraphs": render.highlight_paragraphs(article.text, ents,
                                                  query.text if query else None),
        "chips": render.chips(ents, most=40, query=query),
        "places": ents.places, "orgs": ents.orgs, "people": ents.people, "money": ents.money,
        "copies": [{"article": a, "published": iso(a.published)}
                   for a in state.same_story(article)],
        "chip_url": lambda chip: SearchParams().toggled(chip.param, chip.value).url("/"),
        # a search for one value of a field of indexer.fields ("org", "UNODC")
        "filter_url": lambda name, value: SearchParams(**{name: (value,)}).url("/"),
    }
    return render_page(request, "article.html", context)


# ---------------------------------------------------------- write access

async def _form(request: Request) -> dict[str, Any]:
    form = await request.form()
    data: dict[str, Any] = {}
    for key in form.keys():
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        data[key] = values if len(values) > 1 else (values[0] if values else "")
    return data


def _csrf_ok(request: Request, form: Mapping[str, Any]) -> bool:
    value = form.get(CSRF_FIELD)
    return isinstance(value, str) and state_of(request).csrf.valid(
        request.cookies.get(CSRF_COOKIE), value)


def _login(response: Response, request: Request) -> None:
    response.set_cookie(SESSION_COOKIE, state_of(request).sessions.issue(), httponly=True,
                        samesite="strict", secure=_secure(request), max_age=SESSION_MAX_AGE,
                        path="/")


def _check_write(request: Request, form: Mapping[str, Any]) -> tuple[str | None, int, bool]:
    """(error message or None, HTTP status, whether the password logged the user in now)."""
    if not _csrf_ok(request, form):
        return ("this form has expired or did not come from this site: reload the page "
                "and try again"), 403, False
    token = state_of(request).settings.web_token
    if not token:
        return ("write actions are disabled: start the server with SCAMSCOPE_WEB_TOKEN set"), \
            403, False
    if logged_in(request):
        return None, 200, False
    password = form.get("password")
    if token_matches(password if isinstance(password, str) else None, token):
        return None, 200, True
    return "wrong or missing password", 401, False


_LOCAL_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9_.~!$&'()*+,;=:@%/?-]*")


def _safe_next(value: Any) -> str:
    """Where to go after logging in: a path on this site only (no open redirect)."""
    if isinstance(value, str) and _LOCAL_PATH.fullmatch(value):
        return value
    return "/subscriptions"


@router.post("/login")
async def login(request: Request):
    form = await _form(request)
    error, status, fresh = _check_write(request, form)
    if error:
        return render_page(request, "login.html", {"error": error, "next": _safe_next(
            form.get("next"))}, status=status)
    response = RedirectResponse(_safe_next(form.get("next")), status_code=303)
    if fresh:
        _login(response, request)
    return response


@router.post("/logout")
async def logout(request: Request):
    form = await _form(request)
    if not _csrf_ok(request, form):
        return error_page(request, 403, "this form has expired: reload the page and try again")
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/subscriptions", response_class=HTMLResponse)
def subscriptions_page(request: Request):
    from scamscope.web import subs

    context: dict[str, Any] = {"error": None, "next": "/subscriptions", "rows": [],
                               "created": request.query_params.get("created"),
                               "exists": request.query_params.get("exists"),
                               "removed": request.query_params.get("removed")}
    if not logged_in(request):
        return render_page(request, "login.html", context)
    context["rows"] = [{"sub": s, "description": subs.describe_query(s.query),
                        "url": subs.search_params(s.query).url("/")}
                       for s in subs.list_all(state_of(request))]
    return render_page(request, "subscriptions.html", context)


@router.post("/subscriptions")
async def subscribe(request: Request):
    from scamscope.web import subs

    form = await _form(request)
    params = SearchParams.from_mapping(form)
    error, status, fresh = _check_write(request, form)
    every = form.get("every") or "daily"
    email = (form.get("email") or "").strip() if isinstance(form.get("email"), str) else ""
    webhook = form.get("webhook") if isinstance(form.get("webhook"), str) else ""
    # The form names an address; a `webhook` field instead (as in the JSON API) works too.
    channel, target = ("webhook", webhook) if webhook and not email else ("email", email)
    if error is None:
        try:
            query = params.to_query(facets=False)
            sub, created = await run_in_threadpool(subs.create, state_of(request), target,
                                                   query, str(every), channel=channel)
        except (BadSearch, subs.Invalid) as exc:
            error, status = str(exc), 400
    if error is not None:
        return render_page(request, "subscribe_failed.html",
                           {"error": error, "params": params, "email": email,
                            "hidden": params.items(with_page=False), "every": every,
                            "frequencies": FREQUENCIES}, status=status)
    outcome = "created" if created else "exists"
    response = RedirectResponse(f"/subscriptions?{outcome}={sub.id}", status_code=303)
    if fresh:
        _login(response, request)
    return response


@router.post("/subscriptions/{sub_id}/delete")
async def unsubscribe_form(request: Request, sub_id: int):
    from scamscope.web import subs

    form = await _form(request)
    error, status, fresh = _check_write(request, form)
    if error:
        return error_page(request, status, error)
    removed = await run_in_threadpool(subs.remove, state_of(request), sub_id)
    if not removed:
        return error_page(request, 404, f"there is no subscription {sub_id}")
    response = RedirectResponse(f"/subscriptions?removed={sub_id}", status_code=303)
    if fresh:
        _login(response, request)
    return response


# -------------------------------------------------- one-click unsubscribe

@router.get("/unsubscribe", response_class=HTMLResponse)
def unsubscribe_confirm(request: Request, token: str = ""):
    """The link in a digest: confirm first (mail scanners follow GET links)."""
    from scamscope.web import subs

    try:
        sub_id, sub = subs.from_token(state_of(request), token)
    except subs.BadToken as exc:
        return error_page(request, 400, str(exc))
    return render_page(request, "unsubscribe.html",
                       {"token": token, "sub": sub, "sub_id": sub_id, "done": False,
                        "description": subs.describe_query(sub.query) if sub else ""})


@router.post("/unsubscribe", response_class=HTMLResponse)
async def unsubscribe_now(request: Request):
    """RFC 8058 one-click: POST with List-Unsubscribe=One-Click; the signed token is the
    authority, so no session or CSRF token is needed (or possible, from a mail client)."""
    from scamscope.web import subs

    token = request.query_params.get("token") or ""
    if not token:
        form = await _form(request)
        token = form.get("token") if isinstance(form.get("token"), str) else ""
    try:
        sub = await run_in_threadpool(subs.unsubscribe, state_of(request), token)
    except subs.BadToken as exc:
        return error_page(request, 400, str(exc))
    return render_page(request, "unsubscribe.html",
                       {"token": token, "sub": sub, "sub_id": None, "done": True,
                        "description": subs.describe_query(sub.query) if sub else ""})

