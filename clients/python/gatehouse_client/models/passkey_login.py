from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.authentication_credential import AuthenticationCredential


T = TypeVar("T", bound="PasskeyLogin")


@_attrs_define
class PasskeyLogin:
    """
    Attributes:
        credential (AuthenticationCredential):
    """

    credential: AuthenticationCredential

    def to_dict(self) -> dict[str, Any]:
        credential = self.credential.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "credential": credential,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.authentication_credential import AuthenticationCredential  # noqa: PLC0415

        d = dict(src_dict)
        credential = AuthenticationCredential.from_dict(d.pop("credential"))

        passkey_login = cls(
            credential=credential,
        )

        return passkey_login
