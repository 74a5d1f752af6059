from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="MyAccount")


@_attrs_define
class MyAccount:
    """
    Attributes:
        created_at (datetime.datetime):
        email (str):  Example: user@example.com.
        full_name (str):  Example: John Doe.
        id (UUID):
        is_active (bool):
        is_admin (bool):
        is_verified (bool):
        sign_in_methods (list[str]): `password` when the account has one, `oidc:<provider>` for each linked identity
            provider (an account created through a provider has no password until it sets one with forgot-password).
            Example: ['password', 'oidc:google'].
        updated_at (datetime.datetime):
    """

    created_at: datetime.datetime
    email: str
    full_name: str
    id: UUID
    is_active: bool
    is_admin: bool
    is_verified: bool
    sign_in_methods: list[str]
    updated_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        email = self.email

        full_name = self.full_name

        id = str(self.id)

        is_active = self.is_active

        is_admin = self.is_admin

        is_verified = self.is_verified

        sign_in_methods = self.sign_in_methods

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
                "sign_in_methods": sign_in_methods,
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

        sign_in_methods = cast(list[str], d.pop("sign_in_methods"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        my_account = cls(
            created_at=created_at,
            email=email,
            full_name=full_name,
            id=id,
            is_active=is_active,
            is_admin=is_admin,
            is_verified=is_verified,
            sign_in_methods=sign_in_methods,
            updated_at=updated_at,
        )

        return my_account
