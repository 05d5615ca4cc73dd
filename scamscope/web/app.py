"""The researchers' web UI and JSON API: `create_app(settings, index=None)`.

`scamscope serve` and the `scamscope run` daemon serve this app with uvicorn.
Pages are server-rendered Jinja2 templates (scamscope/web/templates/); the API
lives under /api and is described by FastAPI's /openapi.json.
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from indexer.base import Index
from indexer.errors import IndexUnavailable, QuerySyntaxError
from scamscope import __version__
from scamscope.config import Settings
from scamscope.web import api, pages
from scamscope.web.security import SECURITY_HEADERS, BodyLimit
from scamscope.web.state import HERE, WebState


def allowed_hosts(settings: Settings) -> list[str]:
    """Host names the app answers to: loopback, the bound address, public_url's host.
    Bound to every address (0.0.0.0), any name goes."""
    if settings.web_host in ("", "0.0.0.0", "::", "*"):
        return ["*"]
    names = ["127.0.0.1", "localhost", settings.web_host]
    public = urlsplit(settings.public_url).hostname
    if public:
        names.append(public)
    return sorted(set(names))


def create_app(settings: Settings, index: Index | None = None, *,
               subscriptions: Any = None) -> FastAPI:
    """The ASGI app. With index=None the settings' index is opened on first use and
    closed at shutdown; an index passed in stays the caller's to close."""
    state = WebState(settings, index, subscriptions=subscriptions)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        state.close()

    app = FastAPI(
        title="scamscope",
        version=__version__,
        description="Search news about scam centres: full text with entity filters "
                    "(countries, places, organisations, amounts), article provenance, "
                    "exports and e-mail alert subscriptions.",
        # The interactive docs load scripts from a CDN, which our CSP (and an offline
        # machine) refuses; /openapi.json is the description.
        docs_url=None, redoc_url=None,
        lifespan=lifespan,
    )
    app.state.web = state
    app.add_middleware(BodyLimit)
    # DNS rebinding: a web page elsewhere must not reach this local server under its own name.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(settings))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith("/api/") or request.url.path in ("/unsubscribe",):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        return pages.error_page(request, exc.status_code, str(exc.detail),
                                headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query"))
        message = f"{where}: {first.get('msg', 'invalid request')}" if where else "invalid request"
        if wants_json(request):
            return JSONResponse({"detail": message, "errors": jsonable_encoder(errors)},
                                status_code=422)
        return pages.error_page(request, 422, message)

    @app.exception_handler(QuerySyntaxError)
    async def query_error(request: Request, exc: QuerySyntaxError):
        # what the parser let through but the engine refused
        if wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=400)
        return pages.error_page(request, 400, str(exc))

    @app.exception_handler(IndexUnavailable)
    async def index_down(request: Request, exc: IndexUnavailable):
        message = f"the index is not available: {exc}"
        if wants_json(request):
            return JSONResponse({"detail": message}, status_code=503)
        return pages.error_page(request, 503, message)

    return app
