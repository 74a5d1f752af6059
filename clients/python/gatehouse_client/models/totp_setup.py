from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="TotpSetup")


@_attrs_define
class TotpSetup:
    """
    Attributes:
        otpauth_uri (str): `otpauth://totp/...` with the issuer (MFA_ISSUER) and the account's email.
        qr_svg (str): `otpauth_uri` as a QR code, an SVG document.
        secret (str): The base32 secret, for typing into an authenticator app; shown this once.
    """

    otpauth_uri: str
    qr_svg: str
    secret: str

    def to_dict(self) -> dict[str, Any]:
        otpauth_uri = self.otpauth_uri

        qr_svg = self.qr_svg

        secret = self.secret

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "otpauth_uri": otpauth_uri,
                "qr_svg": qr_svg,
                "secret": secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        otpauth_uri = d.pop("otpauth_uri")

        qr_svg = d.pop("qr_svg")

        secret = d.pop("secret")

        totp_setup = cls(
            otpauth_uri=otpauth_uri,
            qr_svg=qr_svg,
            secret=secret,
        )

        return totp_setup
