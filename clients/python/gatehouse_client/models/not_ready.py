from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.not_ready_status import NotReadyStatus, check_not_ready_status

if TYPE_CHECKING:
    from ..models.checks import Checks
    from ..models.error_body import ErrorBody


T = TypeVar("T", bound="NotReady")


@_attrs_define
class NotReady:
    """
    Attributes:
        checks (Checks):
        error (ErrorBody):
        status (NotReadyStatus):
    """

    checks: Checks
    error: ErrorBody
    status: NotReadyStatus

    def to_dict(self) -> dict[str, Any]:
        checks = self.checks.to_dict()

        error = self.error.to_dict()

        status: str = self.status

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "checks": checks,
                "error": error,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.checks import Checks  # noqa: PLC0415
        from ..models.error_body import ErrorBody  # noqa: PLC0415

        d = dict(src_dict)
        checks = Checks.from_dict(d.pop("checks"))

        error = ErrorBody.from_dict(d.pop("error"))

        status = check_not_ready_status(d.pop("status"))

        not_ready = cls(
            checks=checks,
            error=error,
            status=status,
        )

        return not_ready
