from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.registered_user_envelope_status import RegisteredUserEnvelopeStatus, check_registered_user_envelope_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.registered_user import RegisteredUser


T = TypeVar("T", bound="RegisteredUserEnvelope")


@_attrs_define
class RegisteredUserEnvelope:
    """
    Attributes:
        data (RegisteredUser):
        status (RegisteredUserEnvelopeStatus):  Default: 'success'.
        message (str | Unset): A human-readable summary.
    """

    data: RegisteredUser
    status: RegisteredUserEnvelopeStatus = "success"
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
        from ..models.registered_user import RegisteredUser  # noqa: PLC0415

        d = dict(src_dict)
        data = RegisteredUser.from_dict(d.pop("data"))

        status = check_registered_user_envelope_status(d.pop("status"))

        message = d.pop("message", UNSET)

        registered_user_envelope = cls(
            data=data,
            status=status,
            message=message,
        )

        return registered_user_envelope
