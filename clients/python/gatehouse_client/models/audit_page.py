from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.audit_page_status import AuditPageStatus, check_audit_page_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_event import AuditEvent
    from ..models.audit_pagination import AuditPagination


T = TypeVar("T", bound="AuditPage")


@_attrs_define
class AuditPage:
    """
    Attributes:
        data (list[AuditEvent]):
        pagination (AuditPagination):
        status (AuditPageStatus):  Default: 'success'.
        message (str | Unset):
    """

    data: list[AuditEvent]
    pagination: AuditPagination
    status: AuditPageStatus = "success"
    message: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        pagination = self.pagination.to_dict()

        status: str = self.status

        message = self.message

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "data": data,
                "pagination": pagination,
                "status": status,
            }
        )
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_event import AuditEvent  # noqa: PLC0415
        from ..models.audit_pagination import AuditPagination  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = AuditEvent.from_dict(data_item_data)

            data.append(data_item)

        pagination = AuditPagination.from_dict(d.pop("pagination"))

        status = check_audit_page_status(d.pop("status"))

        message = d.pop("message", UNSET)

        audit_page = cls(
            data=data,
            pagination=pagination,
            status=status,
            message=message,
        )

        return audit_page
