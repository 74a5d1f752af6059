from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.passkey_envelope_status import PasskeyEnvelopeStatus, check_passkey_envelope_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.passkey import Passkey


T = TypeVar("T", bound="PasskeyEnvelope")


@_attrs_define
class PasskeyEnvelope:
    """
    Attributes:
        data (Passkey):
        status (PasskeyEnvelopeStatus):  Default: 'success'.
        message (str | Unset): A human-readable summary.
    """

    data: Passkey
    status: PasskeyEnvelopeStatus = "success"
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
        from ..models.passkey import Passkey  # noqa: PLC0415

        d = dict(src_dict)
        data = Passkey.from_dict(d.pop("data"))

        status = check_passkey_envelope_status(d.pop("status"))

        message = d.pop("message", UNSET)

        passkey_envelope = cls(
            data=data,
            status=status,
            message=message,
        )

        return passkey_envelope
