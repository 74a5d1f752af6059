from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.oidc_link_start_envelope_status import OidcLinkStartEnvelopeStatus, check_oidc_link_start_envelope_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.oidc_link_start import OidcLinkStart


T = TypeVar("T", bound="OidcLinkStartEnvelope")


@_attrs_define
class OidcLinkStartEnvelope:
    """
    Attributes:
        data (OidcLinkStart):
        status (OidcLinkStartEnvelopeStatus):  Default: 'success'.
        message (str | Unset): A human-readable summary.
    """

    data: OidcLinkStart
    status: OidcLinkStartEnvelopeStatus = "success"
    message: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        data = self.data.to_dict()

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
        from ..models.oidc_link_start import OidcLinkStart  # noqa: PLC0415

        d = dict(src_dict)
        data = OidcLinkStart.from_dict(d.pop("data"))

        status = check_oidc_link_start_envelope_status(d.pop("status"))

        message = d.pop("message", UNSET)

        oidc_link_start_envelope = cls(
            data=data,
            status=status,
            message=message,
        )

        return oidc_link_start_envelope
