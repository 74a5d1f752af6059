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
    """

    email: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if email is not UNSET:
            field_dict["email"] = email

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email", UNSET)

        passkey_login_options = cls(
            email=email,
        )

        return passkey_login_options
