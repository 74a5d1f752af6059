from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.my_account_envelope_status import MyAccountEnvelopeStatus, check_my_account_envelope_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.my_account import MyAccount


T = TypeVar("T", bound="MyAccountEnvelope")


@_attrs_define
class MyAccountEnvelope:
    """
    Attributes:
        data (MyAccount):
        status (MyAccountEnvelopeStatus):  Default: 'success'.
        message (str | Unset): A human-readable summary.
    """

    data: MyAccount
    status: MyAccountEnvelopeStatus = "success"
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
        from ..models.my_account import MyAccount  # noqa: PLC0415

        d = dict(src_dict)
        data = MyAccount.from_dict(d.pop("data"))

        status = check_my_account_envelope_status(d.pop("status"))

        message = d.pop("message", UNSET)

        my_account_envelope = cls(
            data=data,
            status=status,
            message=message,
        )

        return my_account_envelope
