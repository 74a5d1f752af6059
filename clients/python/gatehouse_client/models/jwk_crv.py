from typing import Literal

JwkCrv = Literal["Ed25519", "P-256"]

JWK_CRV_VALUES: set[JwkCrv] = {
    "Ed25519",
    "P-256",
}


def check_jwk_crv(value: str) -> JwkCrv:
    if value in JWK_CRV_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {JWK_CRV_VALUES!r}")
