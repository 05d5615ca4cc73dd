"""Open the configured index with the options the settings give it."""
from __future__ import annotations

from pathlib import Path

from indexer import base
from scamscope.config import ConfigError, Settings
from scamscope.errors import JobFailed


def index_options(settings: Settings) -> dict:
    if base.is_cluster_url(settings.index_url):
        return {"index_name": settings.index_name, "username": settings.index_username or None,
                "password": settings.index_password or None,
                "api_key": settings.index_api_key or None,
                "ca_certs": settings.index_ca_certs or None,
                "verify_certs": settings.index_verify_certs}
    return {}


def embedded_path(settings: Settings) -> Path | None:
    """The embedded index's file (SQLite) or directory (Tantivy), absolute so messages say
    where it is, or None when the settings name a cluster. sqlite:///abs/x.db and
    tantivy:///abs/dir are absolute, sqlite://rel/x.db relative to the current directory
    (indexer.base)."""
    path = base.embedded_path(settings.index_url)
    return Path(path).absolute() if path else None


def open_configured_index(settings: Settings, *, must_exist: bool = False) -> base.Index:
    """The settings' index; with must_exist, a missing embedded index is a clear error."""
    path = embedded_path(settings)
    if path is not None:
        if must_exist and not path.exists():
            raise JobFailed(f"no index at {path} yet: crawl something first "
                            "(scamscope crawl), or point --index at an existing one")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create {path.parent} for the index: {exc.strerror}") from exc
    return base.open_index(settings.index_url, **index_options(settings))
