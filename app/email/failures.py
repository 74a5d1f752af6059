"""How a delivery attempt can fail: worth retrying, or not."""

from __future__ import annotations


class DeliveryFailure(Exception):
    """A failed attempt; `reason` is what the dead-letter queue shows (never a secret)."""

    permanent = False

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason[:1000]


class TransientFailure(DeliveryFailure):
    """Connection refused, timeout, a 4xx SMTP reply, a 5xx/429 webhook answer: retry later."""


class PermanentFailure(DeliveryFailure):
    """Recipient refused (5xx), malformed address, unknown template: retrying cannot help."""

    permanent = True
