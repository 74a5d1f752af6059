from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="Override")


@_attrs_define
class Override:
    """
    Attributes:
        enabled (bool):
        user_id (UUID):
    """

    enabled: bool
    user_id: UUID

    def to_dict(self) -> dict[str, Any]:
        enabled = self.enabled

        user_id = str(self.user_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "enabled": enabled,
                "user_id": user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        enabled = d.pop("enabled")

        user_id = UUID(d.pop("user_id"))

        override = cls(
            enabled=enabled,
            user_id=user_id,
        )

        return override
