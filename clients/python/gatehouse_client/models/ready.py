from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.ready_status import ReadyStatus, check_ready_status

if TYPE_CHECKING:
    from ..models.checks import Checks


T = TypeVar("T", bound="Ready")


@_attrs_define
class Ready:
    """
    Attributes:
        checks (Checks):
        status (ReadyStatus):
    """

    checks: Checks
    status: ReadyStatus

    def to_dict(self) -> dict[str, Any]:
        checks = self.checks.to_dict()

        status: str = self.status

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "checks": checks,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.checks import Checks  # noqa: PLC0415

        d = dict(src_dict)
        checks = Checks.from_dict(d.pop("checks"))

        status = check_ready_status(d.pop("status"))

        ready = cls(
            checks=checks,
            status=status,
        )

        return ready
