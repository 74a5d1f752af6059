from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PasskeyLoginOptions")


@_attrs_define
class PasskeyLoginOptions:
    """
    Attributes:
        email (str | Unset): Optional: only a passkey of this address's account may answer. The answer is the same
            whether or not an account uses it. Example: user@example.com.
        mfa_token (str | Unset): For the second step of a sign-in (POST /auth/login/mfa with `credential`): the
            `mfa_token` of the `mfa_required` answer. Then `email` is not looked at and `allowCredentials` lists the
            account's passkeys.
    """

    email: str | Unset = UNSET
    mfa_token: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        mfa_token = self.mfa_token

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if email is not UNSET:
            field_dict["email"] = email
        if mfa_token is not UNSET:
            field_dict["mfa_token"] = mfa_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email", UNSET)

        mfa_token = d.pop("mfa_token", UNSET)

        passkey_login_options = cls(
            email=email,
            mfa_token=mfa_token,
        )

        return passkey_login_options
