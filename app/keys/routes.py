"""GET /.well-known/jwks.json: the public keys that verify Gatehouse's access tokens (RFC 7517)."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.blueprint import Blueprint
from app.keys import ring

blp = Blueprint("jwks", __name__, description="Public keys for verifying access tokens elsewhere (RFC 7517).")

# Verifiers (PyJWKClient, jose, nginx...) may keep the set this long; a token naming a
# kid they do not have makes the good ones fetch again.
JWKS_CACHE_CONTROL = "public, max-age=300"


class JwkSchema(Schema):
    kty = fields.String(required=True, metadata={"enum": ["OKP", "EC"]})
    crv = fields.String(required=True, metadata={"enum": ["Ed25519", "P-256"]})
    x = fields.String(required=True)
    y = fields.String(metadata={"description": "EC keys only."})
    kid = fields.String(required=True, metadata={"description": "The RFC 7638 thumbprint; tokens name it in their header."})
    use = fields.String(required=True, metadata={"enum": ["sig"]})
    alg = fields.String(required=True, metadata={"enum": ["EdDSA", "ES256"]})


class JwksSchema(Schema):
    keys = fields.List(
        fields.Nested(JwkSchema),
        required=True,
        metadata={"description": "Empty under JWT_ALGORITHM=HS256 (tokens verify only with the secret)."},
    )


@blp.route("/.well-known/jwks.json", operation_id="getJwks")
@blp.response(200, JwksSchema, headers={"Cache-Control": {"description": "`public, max-age=300`", "schema": {"type": "string"}}})
def get_jwks():
    """The JWK Set: every key whose tokens verify now (the signing key and those not yet retired)."""
    return ring.jwks(), {"Cache-Control": JWKS_CACHE_CONTROL}
