from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.oidc_identity_list_envelope_status import (
    OidcIdentityListEnvelopeStatus,
    check_oidc_identity_list_envelope_status,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.oidc_identity import OidcIdentity


T = TypeVar("T", bound="OidcIdentityListEnvelope")


@_attrs_define
class OidcIdentityListEnvelope:
    """
    Attributes:
        data (list[OidcIdentity]):
        status (OidcIdentityListEnvelopeStatus):  Default: 'success'.
        message (str | Unset): A human-readable summary.
    """

    data: list[OidcIdentity]
    status: OidcIdentityListEnvelopeStatus = "success"
    message: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        status: str = self.status

        message = self.message

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "data": data,
                "status": status,
            }
        )
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.oidc_identity import OidcIdentity  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = OidcIdentity.from_dict(data_item_data)

            data.append(data_item)

        status = check_oidc_identity_list_envelope_status(d.pop("status"))

        message = d.pop("message", UNSET)

        oidc_identity_list_envelope = cls(
            data=data,
            status=status,
            message=message,
        )

        return oidc_identity_list_envelope
