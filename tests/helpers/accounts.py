"""Values for test accounts."""

from __future__ import annotations

import uuid

DEFAULT_PASSWORD = "SecurePass123"
"""The password `make_user` gives an account unless told otherwise."""


def unique_email(prefix: str = "user") -> str:
    """An address no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"
