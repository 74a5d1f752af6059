from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.error_detail import ErrorDetail


T = TypeVar("T", bound="ErrorBody")


@_attrs_define
class ErrorBody:
    """
    Attributes:
        code (str): Catalogue code, `{MODULE}_{TYPE}_{NNN}`.
        details (list[ErrorDetail]):
        field (None | str): The first offending field.
        message (str):
        timestamp (datetime.datetime):
        trace_id (None | str): Equals the X-Request-ID response header.
    """

    code: str
    details: list[ErrorDetail]
    field: None | str
    message: str
    timestamp: datetime.datetime
    trace_id: None | str

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        details = []
        for details_item_data in self.details:
            details_item = details_item_data.to_dict()
            details.append(details_item)

        field: None | str
        field = self.field

        message = self.message

        timestamp = self.timestamp.isoformat()

        trace_id: None | str
        trace_id = self.trace_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
                "details": details,
                "field": field,
                "message": message,
                "timestamp": timestamp,
                "trace_id": trace_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_detail import ErrorDetail  # noqa: PLC0415

        d = dict(src_dict)
        code = d.pop("code")

        details = []
        _details = d.pop("details")
        for details_item_data in _details:
            details_item = ErrorDetail.from_dict(details_item_data)

            details.append(details_item)

        def _parse_field(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        field = _parse_field(d.pop("field"))

        message = d.pop("message")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        def _parse_trace_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        trace_id = _parse_trace_id(d.pop("trace_id"))

        error_body = cls(
            code=code,
            details=details,
            field=field,
            message=message,
            timestamp=timestamp,
            trace_id=trace_id,
        )

        return error_body
