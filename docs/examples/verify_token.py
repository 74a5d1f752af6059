import jwt

GATEHOUSE = "https://auth.example.com"
# Caches the key set for 5 minutes; a token naming a kid it does not know yet (after a
# rotation) fetches it again, at most every 5 s (cooldown_duration; PyJWT's default is 30 s).
jwks = jwt.PyJWKClient(f"{GATEHOUSE}/.well-known/jwks.json", lifespan=300, cooldown_duration=5)


def verify(access_token: str) -> dict:
    """The claims (sub = user id, sid = session id, exp, aal...) of a Gatehouse access token;
    raises jwt.PyJWTError when it is not one that verifies."""
    key = jwks.get_signing_key_from_jwt(access_token)
    claims = jwt.decode(
        access_token,
        key.key,
        algorithms=["EdDSA"],  # exactly JWT_ALGORITHM
        options={"require": ["sub", "sid", "exp", "iat"]},
    )
    if claims.get("type") != "access":
        raise jwt.InvalidTokenError("not a Gatehouse access token")
    return claims
