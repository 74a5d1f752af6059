from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.jwk_alg import JwkAlg, check_jwk_alg
from ..models.jwk_crv import JwkCrv, check_jwk_crv
from ..models.jwk_kty import JwkKty, check_jwk_kty
from ..models.jwk_use import JwkUse, check_jwk_use
from ..types import UNSET, Unset

T = TypeVar("T", bound="Jwk")


@_attrs_define
class Jwk:
    """
    Attributes:
        alg (JwkAlg):
        crv (JwkCrv):
        kid (str): The RFC 7638 thumbprint; tokens name it in their header.
        kty (JwkKty):
        use (JwkUse):
        x (str):
        y (str | Unset): EC keys only.
    """

    alg: JwkAlg
    crv: JwkCrv
    kid: str
    kty: JwkKty
    use: JwkUse
    x: str
    y: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        alg: str = self.alg

        crv: str = self.crv

        kid = self.kid

        kty: str = self.kty

        use: str = self.use

        x = self.x

        y = self.y

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "alg": alg,
                "crv": crv,
                "kid": kid,
                "kty": kty,
                "use": use,
                "x": x,
            }
        )
        if y is not UNSET:
            field_dict["y"] = y

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        alg = check_jwk_alg(d.pop("alg"))

        crv = check_jwk_crv(d.pop("crv"))

        kid = d.pop("kid")

        kty = check_jwk_kty(d.pop("kty"))

        use = check_jwk_use(d.pop("use"))

        x = d.pop("x")

        y = d.pop("y", UNSET)

        jwk = cls(
            alg=alg,
            crv=crv,
            kid=kid,
            kty=kty,
            use=use,
            x=x,
            y=y,
        )

        return jwk
