from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.mfa_status_envelope_status import MfaStatusEnvelopeStatus, check_mfa_status_envelope_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.mfa_status import MfaStatus


T = TypeVar("T", bound="MfaStatusEnvelope")


@_attrs_define
class MfaStatusEnvelope:
    """
    Attributes:
        data (MfaStatus):
        status (MfaStatusEnvelopeStatus):  Default: 'success'.
        message (str | Unset): A human-readable summary.
    """

    data: MfaStatus
    status: MfaStatusEnvelopeStatus = "success"
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
        from ..models.mfa_status import MfaStatus  # noqa: PLC0415

        d = dict(src_dict)
        data = MfaStatus.from_dict(d.pop("data"))

        status = check_mfa_status_envelope_status(d.pop("status"))

        message = d.pop("message", UNSET)

        mfa_status_envelope = cls(
            data=data,
            status=status,
            message=message,
        )

        return mfa_status_envelope
