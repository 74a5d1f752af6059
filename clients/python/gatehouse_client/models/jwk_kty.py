from typing import Literal

JwkKty = Literal["EC", "OKP"]

JWK_KTY_VALUES: set[JwkKty] = {
    "EC",
    "OKP",
}


def check_jwk_kty(value: str) -> JwkKty:
    if value in JWK_KTY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {JWK_KTY_VALUES!r}")
