"""Talking to an OpenID Connect provider: discovery, the authorization URL, the
code exchange and the ID token's validation (docs/oidc.md).

Built on Authlib: its requests-based `OAuth2Session` makes the authorization
URL (PKCE S256) and redeems the code; `authlib.jose` verifies the ID token's
signature and `authlib.oidc.core.CodeIDToken` its claims. What this module
adds is the policy:

- Providers come from OIDC_PROVIDERS; each one's discovery document
  (`{issuer}/.well-known/openid-configuration`) is fetched once and kept
  OIDC_DISCOVERY_TTL_SECONDS per process, and must name the configured
  issuer exactly (a document naming another issuer is refused).
- The provider's keys (its `jwks_uri`) are kept per process; an ID token
  signed with a key id not among them makes one fetch of the key set again
  (the provider rotated its keys). The ID token comes straight from the
  provider's token endpoint, never from the browser, so nobody else can make
  us fetch again and again.
- Only asymmetric algorithms are accepted (RS*, PS*, ES*, EdDSA): never
  `none`, never HS* (whose key, the client secret, we share with the provider).
- Claims: `iss` the provider's issuer, `aud` our client id, `azp` our client
  id when present (required when there are several audiences), `exp` in the
  future, `iat` neither in the future nor older than the flow allows,
  `nonce` the one this browser's request was sent with, `sub` present.

Every failure is a `ProviderError` naming why (for the audit trail); the
caller turns it into 502 AUTH_OIDC_PROVIDER_FAILED_059. Nothing here touches
the database or the request.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, JsonWebToken
from authlib.jose.errors import JoseError
from authlib.oidc.core import CodeIDToken
from flask import current_app

# Asymmetric signatures only (see the module docstring).
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
# Clock skew allowed between us and the provider.
LEEWAY_SECONDS = 60
# An ID token issued longer ago than this cannot answer a request at most this old (state lives 10 minutes).
MAX_ID_TOKEN_AGE_SECONDS = 10 * 60 + LEEWAY_SECONDS
# Bounds what a provider may send us (discovery, keys, token answer).
MAX_RESPONSE_BYTES = 256 * 1024


class ProviderError(Exception):
    """The provider could not be reached, or its answer is not acceptable; `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Provider:
    """One configured provider (OIDC_PROVIDERS)."""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]


def configured(name: str) -> Provider | None:
    """The provider called `name` in OIDC_PROVIDERS, or None."""
    settings = current_app.config.get("OIDC_PROVIDERS", {}).get(name)
    if settings is None:
        return None
    return Provider(
        name=name,
        issuer=settings["issuer"].rstrip("/"),
        client_id=settings["client_id"],
        client_secret=settings["client_secret"],
        scopes=tuple(settings.get("scopes") or ("openid",)),
    )


def provider_names() -> list[str]:
    return sorted(current_app.config.get("OIDC_PROVIDERS", {}))


# ------------------------------------------------------------- HTTP, bounded


def _timeout() -> float:
    return current_app.config.get("OIDC_HTTP_TIMEOUT_SECONDS", 5.0)


def _get_json(url: str, what: str) -> dict:
    try:
        response = requests.get(url, timeout=_timeout(), headers={"Accept": "application/json"}, allow_redirects=False)
    except requests.RequestException:
        raise ProviderError(f"{what}_unreachable") from None
    if response.status_code != 200:
        raise ProviderError(f"{what}_status_{response.status_code}")
    if len(response.content) > MAX_RESPONSE_BYTES:
        raise ProviderError(f"{what}_too_large")
    try:
        body = response.json()
    except ValueError:
        raise ProviderError(f"{what}_not_json") from None
    if not isinstance(body, dict):
        raise ProviderError(f"{what}_not_an_object")
    return body


# ------------------------------------------------------------ discovery, cached

_lock = threading.Lock()
_discovery: dict[str, tuple[dict, float]] = {}
_key_sets: dict[str, object] = {}


def forget_cached() -> None:
    """Drop every cached discovery document and key set (tests; a changed configuration)."""
    with _lock:
        _discovery.clear()
        _key_sets.clear()


def _http_url(value) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def metadata(provider: Provider) -> dict:
    """The provider's discovery document (cached per process)."""
    now = time.monotonic()
    with _lock:
        cached = _discovery.get(provider.issuer)
    if cached and cached[1] > now:
        return cached[0]
    document = _get_json(provider.issuer + "/.well-known/openid-configuration", "discovery")
    # OpenID Connect Discovery §4.3: the document's issuer is exactly the one we asked.
    if document.get("issuer", "").rstrip("/") != provider.issuer:
        raise ProviderError("discovery_issuer_mismatch")
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not _http_url(document.get(field)):
            raise ProviderError(f"discovery_missing_{field}")
    methods = document.get("code_challenge_methods_supported")
    if isinstance(methods, list) and "S256" not in methods:
        raise ProviderError("discovery_no_pkce_s256")
    ttl = current_app.config.get("OIDC_DISCOVERY_TTL_SECONDS", 3600)
    with _lock:
        _discovery[provider.issuer] = (document, now + ttl)
    return document


def _key_set(jwks_uri: str, refresh: bool = False):
    with _lock:
        keys = None if refresh else _key_sets.get(jwks_uri)
    if keys is None:
        raw = _get_json(jwks_uri, "jwks")
        try:
            keys = JsonWebKey.import_key_set(raw)
        except (JoseError, ValueError, TypeError, KeyError):
            raise ProviderError("jwks_invalid") from None
        with _lock:
            _key_sets[jwks_uri] = keys
    return keys


def _find_key(keys, kid: str | None):
    for key in keys.keys:
        if kid is None or key.kid == kid:
            return key
    return None


# ----------------------------------------------------------- the round trip


def _client(provider: Provider, document: dict, redirect_uri: str) -> OAuth2Session:
    methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    auth_method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
    return OAuth2Session(
        provider.client_id,
        provider.client_secret,
        token_endpoint_auth_method=auth_method,
        scope=" ".join(provider.scopes),
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )


def authorization_url(provider: Provider, *, redirect_uri: str, state: str, nonce: str, code_verifier: str) -> str:
    """Where to send the browser: the provider's authorization endpoint with
    `state`, `nonce` and the S256 challenge of `code_verifier`."""
    document = metadata(provider)
    with _client(provider, document, redirect_uri) as client:
        url, _ = client.create_authorization_url(document["authorization_endpoint"], state=state, nonce=nonce, code_verifier=code_verifier)
    return url


def redeem_code(provider: Provider, *, code: str, redirect_uri: str, code_verifier: str, nonce: str) -> dict:
    """Exchange the authorization code at the provider's token endpoint and
    return the validated ID token's claims (see the module docstring)."""
    document = metadata(provider)
    try:
        with _client(provider, document, redirect_uri) as client:
            token = client.fetch_token(
                document["token_endpoint"],
                grant_type="authorization_code",
                code=code,
                redirect_uri=redirect_uri,
                code_verifier=code_verifier,
                timeout=_timeout(),
            )
    except requests.HTTPError as exc:
        raise ProviderError(f"token_endpoint_status_{exc.response.status_code if exc.response is not None else 0}") from None
    except requests.RequestException:
        raise ProviderError("token_endpoint_unreachable") from None
    except Exception as exc:  # noqa: BLE001  Authlib's OAuthError or a malformed answer: not a 500
        raise ProviderError(f"token_endpoint_refused:{type(exc).__name__}") from None
    id_token = token.get("id_token") if isinstance(token, dict) else None
    if not isinstance(id_token, str):
        raise ProviderError("no_id_token")
    return validate_id_token(provider, document, id_token, nonce=nonce, access_token=token.get("access_token"))


def _header(id_token: str) -> dict:
    try:
        segment = id_token.split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, IndexError, UnicodeDecodeError):
        raise ProviderError("id_token_malformed") from None
    if not isinstance(header, dict):
        raise ProviderError("id_token_malformed")
    return header


def validate_id_token(
    provider: Provider, document: dict, id_token: str, *, nonce: str, access_token: str | None = None, now: int | None = None
) -> dict:
    """The claims of `id_token` once its signature and claims hold; else ProviderError."""
    header = _header(id_token)
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise ProviderError(f"id_token_algorithm_refused:{str(alg)[:16]}")
    kid = header.get("kid")
    keys = _key_set(document["jwks_uri"])
    key = _find_key(keys, kid)
    if key is None:  # a key we have not seen: the provider may have rotated its keys
        keys = _key_set(document["jwks_uri"], refresh=True)
        key = _find_key(keys, kid)
        if key is None:
            raise ProviderError("id_token_unknown_key")
    now = int(time.time()) if now is None else now
    try:
        claims = JsonWebToken(list(ALGORITHMS)).decode(
            id_token,
            key,
            claims_cls=CodeIDToken,
            claims_options={
                "iss": {"essential": True, "value": provider.issuer},
                "aud": {"essential": True, "value": provider.client_id},
                "nonce": {"essential": True, "value": nonce},
            },
            claims_params={"nonce": nonce, "client_id": provider.client_id, "access_token": access_token},
        )
        claims.validate(now=now, leeway=LEEWAY_SECONDS)
    except JoseError as exc:
        raise ProviderError(f"id_token_invalid:{exc.error}:{exc.description or ''}"[:200]) from None
    except (ValueError, TypeError):
        raise ProviderError("id_token_invalid") from None
    if now - claims["iat"] > MAX_ID_TOKEN_AGE_SECONDS:
        raise ProviderError("id_token_too_old")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise ProviderError("id_token_bad_subject")
    return dict(claims)
