"""Article identity: canonical URLs and the ids derived from them.

Re-crawls, redirects and parallel workers must land on the same id, so the id
is a hash of the URL after dropping what does not name the article (scheme and
host case, default ports, fragments, tracking parameters, trailing slashes).
"""
from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "ga_", "hsa_", "oly_")
_TRACKING_NAMES = {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mkt_tok",
                   "ref", "ref_src", "cmpid", "ocid", "smid", "spm", "share", "s_cid", "at_medium",
                   "at_campaign", "__twitter_impression", "amp", "outputtype"}


def canonical_url(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        # A port past 65535 or a broken IPv6 literal names no article any server
        # could serve; it still needs one stable key (and must not stop a crawl).
        return url.strip().split("#", 1)[0]
    scheme = parts.scheme.lower() or "http"
    host = (parts.hostname or "").lower().rstrip(".")
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING_PREFIXES) and k.lower() not in _TRACKING_NAMES]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def article_id(url: str) -> str:
    """Stable id of the article at url: 20 hex digits of SHA-1 over the canonical URL."""
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()[:20]


def content_hash(text: str) -> str:
    """Hash of the normalised text: same words, same hash, whatever the markup around them."""
    normal = " ".join(text.split()).lower()
    return hashlib.sha1(normal.encode("utf-8")).hexdigest()
