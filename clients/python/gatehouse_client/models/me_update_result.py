from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="MeUpdateResult")


@_attrs_define
class MeUpdateResult:
    """
    Attributes:
        created_at (datetime.datetime):
        email (str):  Example: user@example.com.
        full_name (str):  Example: John Doe.
        id (UUID):
        is_active (bool):
        is_admin (bool):
        is_verified (bool):
        pending_email (None | str): The new address a confirmation link was sent to; the account keeps `email` until
            that link is used. Null when no change was requested.
        updated_at (datetime.datetime):
    """

    created_at: datetime.datetime
    email: str
    full_name: str
    id: UUID
    is_active: bool
    is_admin: bool
    is_verified: bool
    pending_email: None | str
    updated_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        email = self.email

        full_name = self.full_name

        id = str(self.id)

        is_active = self.is_active

        is_admin = self.is_admin

        is_verified = self.is_verified

        pending_email: None | str
        pending_email = self.pending_email

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "created_at": created_at,
                "email": email,
                "full_name": full_name,
                "id": id,
                "is_active": is_active,
                "is_admin": is_admin,
                "is_verified": is_verified,
                "pending_email": pending_email,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        email = d.pop("email")

        full_name = d.pop("full_name")

        id = UUID(d.pop("id"))

        is_active = d.pop("is_active")

        is_admin = d.pop("is_admin")

        is_verified = d.pop("is_verified")

        def _parse_pending_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pending_email = _parse_pending_email(d.pop("pending_email"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        me_update_result = cls(
            created_at=created_at,
            email=email,
            full_name=full_name,
            id=id,
            is_active=is_active,
            is_admin=is_admin,
            is_verified=is_verified,
            pending_email=pending_email,
            updated_at=updated_at,
        )

        return me_update_result
