from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.audit_event_details import AuditEventDetails


T = TypeVar("T", bound="AuditEvent")


@_attrs_define
class AuditEvent:
    """
    Attributes:
        created_at (datetime.datetime):
        details (AuditEventDetails):
        event_type (str):  Example: auth.login_failed.
        id (UUID):
        ip (None | str):
        outcome (str):  Example: failure.
        user_agent (None | str):
        user_id (None | UUID): Null when no account is known.
    """

    created_at: datetime.datetime
    details: AuditEventDetails
    event_type: str
    id: UUID
    ip: None | str
    outcome: str
    user_agent: None | str
    user_id: None | UUID

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        details = self.details.to_dict()

        event_type = self.event_type

        id = str(self.id)

        ip: None | str
        ip = self.ip

        outcome = self.outcome

        user_agent: None | str
        user_agent = self.user_agent

        user_id: None | str
        if isinstance(self.user_id, UUID):
            user_id = str(self.user_id)
        else:
            user_id = self.user_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "created_at": created_at,
                "details": details,
                "event_type": event_type,
                "id": id,
                "ip": ip,
                "outcome": outcome,
                "user_agent": user_agent,
                "user_id": user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_event_details import AuditEventDetails  # noqa: PLC0415

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        details = AuditEventDetails.from_dict(d.pop("details"))

        event_type = d.pop("event_type")

        id = UUID(d.pop("id"))

        def _parse_ip(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ip = _parse_ip(d.pop("ip"))

        outcome = d.pop("outcome")

        def _parse_user_agent(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        user_agent = _parse_user_agent(d.pop("user_agent"))

        def _parse_user_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                user_id_type_0 = UUID(data)

                return user_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        user_id = _parse_user_id(d.pop("user_id"))

        audit_event = cls(
            created_at=created_at,
            details=details,
            event_type=event_type,
            id=id,
            ip=ip,
            outcome=outcome,
            user_agent=user_agent,
            user_id=user_id,
        )

        return audit_event
