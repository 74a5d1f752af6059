from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MeUpdateRequest")


@_attrs_define
class MeUpdateRequest:
    """
    Attributes:
        email (str | Unset): A new address: a confirmation link is sent to it and the account keeps its current email
            until the link is used. Example: user@example.com.
        full_name (str | Unset):  Example: John Doe.
    """

    email: str | Unset = UNSET
    full_name: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        full_name = self.full_name

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if email is not UNSET:
            field_dict["email"] = email
        if full_name is not UNSET:
            field_dict["full_name"] = full_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email", UNSET)

        full_name = d.pop("full_name", UNSET)

        me_update_request = cls(
            email=email,
            full_name=full_name,
        )

        return me_update_request
