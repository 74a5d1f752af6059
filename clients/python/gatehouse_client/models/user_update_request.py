from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UserUpdateRequest")


@_attrs_define
class UserUpdateRequest:
    """
    Attributes:
        full_name (str | Unset):  Example: John Doe.
        is_active (bool | Unset): Admin only. False ends the user's sessions at once.
        is_admin (bool | Unset): Admin only; an admin cannot remove their own.
        is_verified (bool | Unset): Admin only.
    """

    full_name: str | Unset = UNSET
    is_active: bool | Unset = UNSET
    is_admin: bool | Unset = UNSET
    is_verified: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        full_name = self.full_name

        is_active = self.is_active

        is_admin = self.is_admin

        is_verified = self.is_verified

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if full_name is not UNSET:
            field_dict["full_name"] = full_name
        if is_active is not UNSET:
            field_dict["is_active"] = is_active
        if is_admin is not UNSET:
            field_dict["is_admin"] = is_admin
        if is_verified is not UNSET:
            field_dict["is_verified"] = is_verified

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        full_name = d.pop("full_name", UNSET)

        is_active = d.pop("is_active", UNSET)

        is_admin = d.pop("is_admin", UNSET)

        is_verified = d.pop("is_verified", UNSET)

        user_update_request = cls(
            full_name=full_name,
            is_active=is_active,
            is_admin=is_admin,
            is_verified=is_verified,
        )

        return user_update_request
