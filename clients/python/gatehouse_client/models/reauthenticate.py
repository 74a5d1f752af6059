from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="Reauthenticate")


@_attrs_define
class Reauthenticate:
    """
    Attributes:
        password (str):  Example: SecurePass123.
        code (str | Unset): With two-factor sign-in on: a current code of the authenticator app or an unused recovery
            code. Example: 123456.
    """

    password: str
    code: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        password = self.password

        code = self.code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "password": password,
            }
        )
        if code is not UNSET:
            field_dict["code"] = code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        password = d.pop("password")

        code = d.pop("code", UNSET)

        reauthenticate = cls(
            password=password,
            code=code,
        )

        return reauthenticate
