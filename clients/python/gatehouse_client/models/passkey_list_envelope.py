from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.passkey_list_envelope_status import PasskeyListEnvelopeStatus, check_passkey_list_envelope_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.passkey import Passkey


T = TypeVar("T", bound="PasskeyListEnvelope")


@_attrs_define
class PasskeyListEnvelope:
    """
    Attributes:
        data (list[Passkey]):
        status (PasskeyListEnvelopeStatus):  Default: 'success'.
        message (str | Unset): A human-readable summary.
    """

    data: list[Passkey]
    status: PasskeyListEnvelopeStatus = "success"
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
        from ..models.passkey import Passkey  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = Passkey.from_dict(data_item_data)

            data.append(data_item)

        status = check_passkey_list_envelope_status(d.pop("status"))

        message = d.pop("message", UNSET)

        passkey_list_envelope = cls(
            data=data,
            status=status,
            message=message,
        )

        return passkey_list_envelope
