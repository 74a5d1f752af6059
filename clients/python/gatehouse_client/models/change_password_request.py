from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ChangePasswordRequest")


@_attrs_define
class ChangePasswordRequest:
    """
    Attributes:
        new_password (str): 8-128 characters with at least one uppercase letter and one digit; not one of the 30,000
            commonest passwords (case ignored), nor containing the email's local part. Example: SecurePass123.
        current_password (str | Unset): Required when the account has a password. An account without one (created
            through an identity provider) leaves it out and needs a fresh session. Example: OldSecurePass1.
    """

    new_password: str
    current_password: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        new_password = self.new_password

        current_password = self.current_password

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "new_password": new_password,
            }
        )
        if current_password is not UNSET:
            field_dict["current_password"] = current_password

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        new_password = d.pop("new_password")

        current_password = d.pop("current_password", UNSET)

        change_password_request = cls(
            new_password=new_password,
            current_password=current_password,
        )

        return change_password_request
