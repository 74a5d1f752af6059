"""Key material for EdDSA (Ed25519) and ES256 (P-256): make, load, publish.

Pure cryptography, no Flask and no database: the config loader checks
JWT_PRIVATE_KEY_FILE with it, the key ring (app.keys.ring) builds on it.
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

ASYMMETRIC_ALGORITHMS = ("EdDSA", "ES256")


class KeyMaterialError(ValueError):
    """A key that is not a private key of the expected algorithm (the message says what is wrong)."""


def generate_private_key(algorithm: str):
    """A new private key for `algorithm` (EdDSA: Ed25519, ES256: P-256)."""
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    raise KeyMaterialError(f"has no key type for algorithm {algorithm!r}")


def load_private_pem(pem: bytes, algorithm: str):
    """The private key in `pem` (unencrypted PKCS#8 or SEC1/OpenSSL), checked against `algorithm`."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError, UnicodeError):
        raise KeyMaterialError("is not an unencrypted PEM private key") from None
    except Exception:  # cryptography's UnsupportedAlgorithm and friends
        raise KeyMaterialError("is not a supported PEM private key") from None
    if algorithm == "EdDSA" and not isinstance(key, ed25519.Ed25519PrivateKey):
        raise KeyMaterialError("must hold an Ed25519 private key for JWT_ALGORITHM=EdDSA")
    if algorithm == "ES256" and not (isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1)):
        raise KeyMaterialError("must hold a P-256 (secp256r1) EC private key for JWT_ALGORITHM=ES256")
    return key


def private_pem(key) -> str:
    """`key` as unencrypted PKCS#8 PEM text (encrypt it before storing: app.encryption)."""
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode("ascii")


def _public_members(public_key, algorithm: str) -> dict:
    codec = OKPAlgorithm if algorithm == "EdDSA" else ECAlgorithm
    members = codec.to_jwk(public_key, as_dict=True)
    # Only the public members (RFC 7517 / 8037): never "d", whatever the library hands back.
    required = ("kty", "crv", "x") if algorithm == "EdDSA" else ("kty", "crv", "x", "y")
    return {name: members[name] for name in required}


def thumbprint(public_key, algorithm: str) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256, base64url) of `public_key`: its `kid`.

    Derived from the key itself, so every instance (and an operator's own
    tooling) names the same key the same way, including a JWT_PRIVATE_KEY_FILE key.
    """
    members = _public_members(public_key, algorithm)
    canonical = json.dumps(members, sort_keys=True, separators=(",", ":")).encode("ascii")
    return base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode("ascii")


def public_jwk(public_key, algorithm: str, kid: str) -> dict:
    """The RFC 7517 public JWK of `public_key`, as /.well-known/jwks.json lists it."""
    return {**_public_members(public_key, algorithm), "kid": kid, "use": "sig", "alg": algorithm}


def public_key_from_jwk(jwk: dict, algorithm: str):
    """The public key object of a stored public JWK."""
    codec = OKPAlgorithm if algorithm == "EdDSA" else ECAlgorithm
    return codec.from_jwk(json.dumps({k: v for k, v in jwk.items() if k in ("kty", "crv", "x", "y")}))
