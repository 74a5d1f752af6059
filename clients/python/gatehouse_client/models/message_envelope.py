from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.message_envelope_status import MessageEnvelopeStatus, check_message_envelope_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="MessageEnvelope")


@_attrs_define
class MessageEnvelope:
    """
    Attributes:
        status (MessageEnvelopeStatus):  Default: 'success'.
        message (str | Unset): A human-readable summary.
    """

    status: MessageEnvelopeStatus = "success"
    message: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        status: str = self.status

        message = self.message

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "status": status,
            }
        )
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = check_message_envelope_status(d.pop("status"))

        message = d.pop("message", UNSET)

        message_envelope = cls(
            status=status,
            message=message,
        )

        return message_envelope
