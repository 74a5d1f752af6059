from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="RegisterRequest")


@_attrs_define
class RegisterRequest:
    """
    Attributes:
        email (str):  Example: user@example.com.
        full_name (str):  Example: John Doe.
        password (str): 8-128 characters with at least one uppercase letter and one digit; not one of the 30,000
            commonest passwords (case ignored), nor containing the email's local part. Example: SecurePass123.
        terms_accepted (bool): Must be true.
    """

    email: str
    full_name: str
    password: str
    terms_accepted: bool

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        full_name = self.full_name

        password = self.password

        terms_accepted = self.terms_accepted

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "full_name": full_name,
                "password": password,
                "terms_accepted": terms_accepted,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        full_name = d.pop("full_name")

        password = d.pop("password")

        terms_accepted = d.pop("terms_accepted")

        register_request = cls(
            email=email,
            full_name=full_name,
            password=password,
            terms_accepted=terms_accepted,
        )

        return register_request
