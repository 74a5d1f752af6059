from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.login_answer_envelope_status import LoginAnswerEnvelopeStatus, check_login_answer_envelope_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.login_result import LoginResult
    from ..models.mfa_challenge import MfaChallenge


T = TypeVar("T", bound="LoginAnswerEnvelope")


@_attrs_define
class LoginAnswerEnvelope:
    """
    Attributes:
        data (LoginResult | MfaChallenge):
        status (LoginAnswerEnvelopeStatus):  Default: 'success'.
        message (str | Unset): A human-readable summary.
    """

    data: LoginResult | MfaChallenge
    status: LoginAnswerEnvelopeStatus = "success"
    message: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.login_result import LoginResult  # noqa: PLC0415

        data: dict[str, Any]
        if isinstance(self.data, LoginResult):
            data = self.data.to_dict()
        else:
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
        from ..models.login_result import LoginResult  # noqa: PLC0415
        from ..models.mfa_challenge import MfaChallenge  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_data(data: object) -> LoginResult | MfaChallenge:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0 = LoginResult.from_dict(data)

                return data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            data_type_1 = MfaChallenge.from_dict(data)

            return data_type_1

        data = _parse_data(d.pop("data"))

        status = check_login_answer_envelope_status(d.pop("status"))

        message = d.pop("message", UNSET)

        login_answer_envelope = cls(
            data=data,
            status=status,
            message=message,
        )

        return login_answer_envelope
