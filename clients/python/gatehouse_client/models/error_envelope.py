from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.error_envelope_status import ErrorEnvelopeStatus, check_error_envelope_status

if TYPE_CHECKING:
    from ..models.error_body import ErrorBody


T = TypeVar("T", bound="ErrorEnvelope")


@_attrs_define
class ErrorEnvelope:
    """
    Attributes:
        error (ErrorBody):
        status (ErrorEnvelopeStatus):
    """

    error: ErrorBody
    status: ErrorEnvelopeStatus

    def to_dict(self) -> dict[str, Any]:
        error = self.error.to_dict()

        status: str = self.status

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "error": error,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_body import ErrorBody  # noqa: PLC0415

        d = dict(src_dict)
        error = ErrorBody.from_dict(d.pop("error"))

        status = check_error_envelope_status(d.pop("status"))

        error_envelope = cls(
            error=error,
            status=status,
        )

        return error_envelope
