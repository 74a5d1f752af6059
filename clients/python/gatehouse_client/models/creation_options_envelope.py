from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.creation_options_envelope_status import (
    CreationOptionsEnvelopeStatus,
    check_creation_options_envelope_status,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.creation_options import CreationOptions


T = TypeVar("T", bound="CreationOptionsEnvelope")


@_attrs_define
class CreationOptionsEnvelope:
    """
    Attributes:
        data (CreationOptions):
        status (CreationOptionsEnvelopeStatus):  Default: 'success'.
        message (str | Unset): A human-readable summary.
    """

    data: CreationOptions
    status: CreationOptionsEnvelopeStatus = "success"
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
        from ..models.creation_options import CreationOptions  # noqa: PLC0415

        d = dict(src_dict)
        data = CreationOptions.from_dict(d.pop("data"))

        status = check_creation_options_envelope_status(d.pop("status"))

        message = d.pop("message", UNSET)

        creation_options_envelope = cls(
            data=data,
            status=status,
            message=message,
        )

        return creation_options_envelope
