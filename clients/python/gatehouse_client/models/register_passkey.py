from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.registration_credential import RegistrationCredential


T = TypeVar("T", bound="RegisterPasskey")


@_attrs_define
class RegisterPasskey:
    """
    Attributes:
        credential (RegistrationCredential):
        name (str | Unset): How the passkey is listed (default `Passkey`). Example: YubiKey 5C.
    """

    credential: RegistrationCredential
    name: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        credential = self.credential.to_dict()

        name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "credential": credential,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.registration_credential import RegistrationCredential  # noqa: PLC0415

        d = dict(src_dict)
        credential = RegistrationCredential.from_dict(d.pop("credential"))

        name = d.pop("name", UNSET)

        register_passkey = cls(
            credential=credential,
            name=name,
        )

        return register_passkey
