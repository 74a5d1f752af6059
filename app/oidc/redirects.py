"""Where a browser may be sent back after a provider (OIDC_REDIRECT_ALLOWLIST).

An entry is an origin with an optional path: `https://app.example.com`
allows any page of that origin, `https://app.example.com/auth` that path and
the paths under it. A redirect_uri passes only if its scheme, host and port
equal an entry's and its path is within the entry's path; it must be an
absolute http(s) URL without user-info or fragment, and with no backslash,
whitespace or control character (what browsers and servers parse
differently: `https://app.example.com\\@evil.example`). The default allow-list
is FRONTEND_URL.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")
_ENCODED = re.compile(r"%(2e|2f|5c)", re.IGNORECASE)
MAX_LENGTH = 2048


def _origin(parts) -> tuple[str, str, int] | None:
    try:
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    default = {"http": 80, "https": 443}.get(scheme)
    if default is None or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or default


def is_allowed(redirect_uri: str, allowlist: list[str]) -> bool:
    """Whether a browser may be sent to `redirect_uri`."""
    if not isinstance(redirect_uri, str) or not redirect_uri or len(redirect_uri) > MAX_LENGTH:
        return False
    if _UNSAFE.search(redirect_uri):
        return False
    parts = urlsplit(redirect_uri)
    if parts.username is not None or parts.password is not None or parts.fragment or "#" in redirect_uri:
        return False
    origin = _origin(parts)
    if origin is None:
        return False
    path = parts.path or "/"
    # "/auth/../admin" is "/admin" to the browser; encoded dots and slashes are refused too.
    if any(segment in (".", "..") for segment in path.split("/")) or _ENCODED.search(path):
        return False
    for entry in allowlist:
        allowed = urlsplit(entry)
        if _origin(allowed) != origin:
            continue
        base = allowed.path.rstrip("/")
        if not base or path == base or path.startswith(base + "/"):
            return True
    return False


def with_params(redirect_uri: str, **params: str) -> str:
    """`redirect_uri` with `params` added to its query."""
    from urllib.parse import urlencode

    separator = "&" if urlsplit(redirect_uri).query else "?"
    return redirect_uri + separator + urlencode(params)
