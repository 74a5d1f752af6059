"""Secrets kept at rest (TOTP secrets, private signing keys), encrypted with a key ring.

`ENCRYPTION_KEYS` is a comma-separated list of base64url-encoded 32-byte keys
(Fernet keys: `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).
The first key encrypts; every key decrypts, so a new key is rotated in by
putting it first and keeping the old ones until `rewrap` has re-encrypted
what they protect. Fernet is AES-128-CBC with HMAC-SHA256 (authenticated:
a tampered or foreign ciphertext raises instead of decrypting to garbage).
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

__all__ = ["DecryptionError", "decrypt", "encrypt", "key_ring", "rewrap"]


class DecryptionError(Exception):
    """The value was not encrypted by any key of the ring (or was altered)."""


def key_ring(keys: list[str]) -> MultiFernet:
    """A MultiFernet over `keys` (base64url strings, first one encrypts)."""
    return MultiFernet([Fernet(k.encode("ascii")) for k in keys])


def _ring() -> MultiFernet:
    # Built once per app: the keys do not change while it runs.
    ring = current_app.extensions.get("gatehouse-encryption")
    if ring is None:
        ring = current_app.extensions["gatehouse-encryption"] = key_ring(current_app.config["ENCRYPTION_KEYS"])
    return ring


def encrypt(plaintext: str) -> str:
    """`plaintext` encrypted with the first key of the ring (ASCII, safe to store in a text column)."""
    return _ring().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(ciphertext: str) -> str:
    """The plaintext of `ciphertext`, whichever key of the ring encrypted it."""
    try:
        return _ring().decrypt(ciphertext.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        raise DecryptionError("the value cannot be decrypted with ENCRYPTION_KEYS") from None


def rewrap(ciphertext: str) -> str:
    """`ciphertext` re-encrypted under the first key (for rotating the ring)."""
    try:
        return _ring().rotate(ciphertext.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        raise DecryptionError("the value cannot be decrypted with ENCRYPTION_KEYS") from None
