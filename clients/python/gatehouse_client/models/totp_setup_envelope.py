from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.totp_setup_envelope_status import TotpSetupEnvelopeStatus, check_totp_setup_envelope_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.totp_setup import TotpSetup


T = TypeVar("T", bound="TotpSetupEnvelope")


@_attrs_define
class TotpSetupEnvelope:
    """
    Attributes:
        data (TotpSetup):
        status (TotpSetupEnvelopeStatus):  Default: 'success'.
        message (str | Unset): A human-readable summary.
    """

    data: TotpSetup
    status: TotpSetupEnvelopeStatus = "success"
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
        from ..models.totp_setup import TotpSetup  # noqa: PLC0415

        d = dict(src_dict)
        data = TotpSetup.from_dict(d.pop("data"))

        status = check_totp_setup_envelope_status(d.pop("status"))

        message = d.pop("message", UNSET)

        totp_setup_envelope = cls(
            data=data,
            status=status,
            message=message,
        )

        return totp_setup_envelope
