from typing import Literal

JwkAlg = Literal["EdDSA", "ES256"]

JWK_ALG_VALUES: set[JwkAlg] = {
    "EdDSA",
    "ES256",
}


def check_jwk_alg(value: str) -> JwkAlg:
    if value in JWK_ALG_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {JWK_ALG_VALUES!r}")
