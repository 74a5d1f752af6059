from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="FlagUpdateRequest")


@_attrs_define
class FlagUpdateRequest:
    """
    Attributes:
        enabled (bool):
        user_id (UUID | Unset): Set the flag for this user only (not for maintenance_mode).
    """

    enabled: bool
    user_id: UUID | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        enabled = self.enabled

        user_id: str | Unset = UNSET
        if not isinstance(self.user_id, Unset):
            user_id = str(self.user_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "enabled": enabled,
            }
        )
        if user_id is not UNSET:
            field_dict["user_id"] = user_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        enabled = d.pop("enabled")

        _user_id = d.pop("user_id", UNSET)
        user_id: UUID | Unset
        if isinstance(_user_id, Unset):
            user_id = UNSET
        else:
            user_id = UUID(_user_id)

        flag_update_request = cls(
            enabled=enabled,
            user_id=user_id,
        )

        return flag_update_request
