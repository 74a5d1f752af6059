from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.introspection_token_type import IntrospectionTokenType, check_introspection_token_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="Introspection")


@_attrs_define
class Introspection:
    """
    Attributes:
        active (bool):
        aal (int | Unset): The session's assurance level (2: signed in with a second factor).
        exp (int | Unset): Expiry, Unix seconds.
        iat (int | Unset): Issue time, Unix seconds.
        sid (str | Unset): The session id.
        sub (str | Unset): The user id (active tokens only).
        token_type (IntrospectionTokenType | Unset):
    """

    active: bool
    aal: int | Unset = UNSET
    exp: int | Unset = UNSET
    iat: int | Unset = UNSET
    sid: str | Unset = UNSET
    sub: str | Unset = UNSET
    token_type: IntrospectionTokenType | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        aal = self.aal

        exp = self.exp

        iat = self.iat

        sid = self.sid

        sub = self.sub

        token_type: str | Unset = UNSET
        if not isinstance(self.token_type, Unset):
            token_type = self.token_type

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "active": active,
            }
        )
        if aal is not UNSET:
            field_dict["aal"] = aal
        if exp is not UNSET:
            field_dict["exp"] = exp
        if iat is not UNSET:
            field_dict["iat"] = iat
        if sid is not UNSET:
            field_dict["sid"] = sid
        if sub is not UNSET:
            field_dict["sub"] = sub
        if token_type is not UNSET:
            field_dict["token_type"] = token_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        aal = d.pop("aal", UNSET)

        exp = d.pop("exp", UNSET)

        iat = d.pop("iat", UNSET)

        sid = d.pop("sid", UNSET)

        sub = d.pop("sub", UNSET)

        _token_type = d.pop("token_type", UNSET)
        token_type: IntrospectionTokenType | Unset
        if isinstance(_token_type, Unset):
            token_type = UNSET
        else:
            token_type = check_introspection_token_type(_token_type)

        introspection = cls(
            active=active,
            aal=aal,
            exp=exp,
            iat=iat,
            sid=sid,
            sub=sub,
            token_type=token_type,
        )

        return introspection
