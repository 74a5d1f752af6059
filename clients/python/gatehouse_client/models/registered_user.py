from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="RegisteredUser")


@_attrs_define
class RegisteredUser:
    """
    Attributes:
        created_at (datetime.datetime):
        email (str):
        full_name (str):
        is_verified (bool):
        user_id (UUID):
    """

    created_at: datetime.datetime
    email: str
    full_name: str
    is_verified: bool
    user_id: UUID

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        email = self.email

        full_name = self.full_name

        is_verified = self.is_verified

        user_id = str(self.user_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "created_at": created_at,
                "email": email,
                "full_name": full_name,
                "is_verified": is_verified,
                "user_id": user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        email = d.pop("email")

        full_name = d.pop("full_name")

        is_verified = d.pop("is_verified")

        user_id = UUID(d.pop("user_id"))

        registered_user = cls(
            created_at=created_at,
            email=email,
            full_name=full_name,
            is_verified=is_verified,
            user_id=user_id,
        )

        return registered_user
