"""Account events posted to WEBHOOK_URL as signed JSON.

Each POST carries:
  X-Gatehouse-Event      the event type, e.g. `auth.login_failed`
  X-Gatehouse-Delivery   the delivery id, the same on every retry (deduplicate on it)
  X-Gatehouse-Timestamp  Unix seconds when this attempt was signed
  X-Gatehouse-Signature  `sha256=` + hex HMAC-SHA256(WEBHOOK_SECRET, "<timestamp>.<delivery id>.<raw body>")
A receiver recomputes the signature over the timestamp, the delivery id and
the raw body (`verify_signature`), refuses timestamps older than a few
minutes, and deduplicates on the delivery id. The signature covers everything
the receiver relies on (docs/security.md §16): a captured request cannot be replayed later,
nor now under another delivery id.

A 2xx answer is success; timeouts, refused connections, 408, 425, 429 and 5xx
are transient; any other answer (redirects included) is permanent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import requests

from app.email.failures import PermanentFailure, TransientFailure

SIGNATURE_HEADER = "X-Gatehouse-Signature"
TIMESTAMP_HEADER = "X-Gatehouse-Timestamp"
EVENT_HEADER = "X-Gatehouse-Event"
DELIVERY_HEADER = "X-Gatehouse-Delivery"
_TRANSIENT_STATUSES = {408, 425, 429}


def sign(secret: str, timestamp: str, delivery_id: str, body: bytes) -> str:
    """The signature header value for `body` of delivery `delivery_id` sent at `timestamp`."""
    signed = timestamp.encode("ascii") + b"." + delivery_id.encode("utf-8") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(
    secret: str, timestamp: str, delivery_id: str, body: bytes, signature: str, *, tolerance: int = 300, now: float | None = None
) -> bool:
    """True when `signature` is ours for `body` of delivery `delivery_id` (the
    X-Gatehouse-Delivery header) and `timestamp` is within `tolerance` seconds."""
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
        expected = sign(secret, timestamp, delivery_id, body)
    except (TypeError, ValueError, AttributeError, UnicodeError):
        return False
    if age > tolerance:
        return False
    return hmac.compare_digest(expected, signature or "")


def post(event, *, delivery_id: str, config) -> None:
    """POST `event` to WEBHOOK_URL; raises a `DeliveryFailure` subclass when it is not accepted."""
    url, secret = config.get("WEBHOOK_URL"), config.get("WEBHOOK_SECRET")
    if not url or not secret:
        raise PermanentFailure("WEBHOOK_URL / WEBHOOK_SECRET are not set in the worker")
    if not isinstance(event, dict):
        raise PermanentFailure("malformed event payload")
    body = json.dumps(event, separators=(",", ":"), sort_keys=True).encode("utf-8")
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Gatehouse-Webhooks/1.0",
        EVENT_HEADER: str(event.get("type", "")),
        DELIVERY_HEADER: delivery_id,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(secret, timestamp, delivery_id, body),
    }
    try:
        response = requests.post(url, data=body, headers=headers, timeout=config["WEBHOOK_TIMEOUT_SECONDS"], allow_redirects=False)
    except requests.Timeout:
        raise TransientFailure("webhook receiver timed out") from None
    except requests.RequestException as exc:
        raise TransientFailure(f"webhook receiver unavailable: {type(exc).__name__}") from None
    status = response.status_code
    response.close()
    if 200 <= status < 300:
        return
    if status >= 500 or status in _TRANSIENT_STATUSES:
        raise TransientFailure(f"webhook receiver answered {status}")
    raise PermanentFailure(f"webhook receiver refused the event: {status}")
