from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.session_aal import SessionAal, check_session_aal

T = TypeVar("T", bound="Session")


@_attrs_define
class Session:
    """
    Attributes:
        aal (SessionAal): Assurance level: 1 = password only, 2 = a second factor or a passkey.
        amr (list[str]): How the session signed in (RFC 8176 names, e.g. `pwd`, `otp`). Example: ['pwd', 'otp'].
        created_at (datetime.datetime):
        current (bool): True for the session of this request's token.
        expires_at (datetime.datetime):
        id (UUID):
        ip (None | str):
        last_used_at (datetime.datetime): Sign-in or last refresh.
        user_agent (None | str):
    """

    aal: SessionAal
    amr: list[str]
    created_at: datetime.datetime
    current: bool
    expires_at: datetime.datetime
    id: UUID
    ip: None | str
    last_used_at: datetime.datetime
    user_agent: None | str

    def to_dict(self) -> dict[str, Any]:
        aal: int = self.aal

        amr = self.amr

        created_at = self.created_at.isoformat()

        current = self.current

        expires_at = self.expires_at.isoformat()

        id = str(self.id)

        ip: None | str
        ip = self.ip

        last_used_at = self.last_used_at.isoformat()

        user_agent: None | str
        user_agent = self.user_agent

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "aal": aal,
                "amr": amr,
                "created_at": created_at,
                "current": current,
                "expires_at": expires_at,
                "id": id,
                "ip": ip,
                "last_used_at": last_used_at,
                "user_agent": user_agent,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        aal = check_session_aal(d.pop("aal"))

        amr = cast(list[str], d.pop("amr"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        current = d.pop("current")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        id = UUID(d.pop("id"))

        def _parse_ip(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        ip = _parse_ip(d.pop("ip"))

        last_used_at = datetime.datetime.fromisoformat(d.pop("last_used_at"))

        def _parse_user_agent(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        user_agent = _parse_user_agent(d.pop("user_agent"))

        session = cls(
            aal=aal,
            amr=amr,
            created_at=created_at,
            current=current,
            expires_at=expires_at,
            id=id,
            ip=ip,
            last_used_at=last_used_at,
            user_agent=user_agent,
        )

        return session
