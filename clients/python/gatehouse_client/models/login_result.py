from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.login_result_token_type import LoginResultTokenType, check_login_result_token_type

if TYPE_CHECKING:
    from ..models.user import User


T = TypeVar("T", bound="LoginResult")


@_attrs_define
class LoginResult:
    """
    Attributes:
        access_token (str): JWT (HS256) for `Authorization: Bearer`.
        expires_in (int): Seconds until the access token expires.
        refresh_token (str): Single use; POST it to /refresh for a new pair.
        token_type (LoginResultTokenType):
        user (User):
    """

    access_token: str
    expires_in: int
    refresh_token: str
    token_type: LoginResultTokenType
    user: User

    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        expires_in = self.expires_in

        refresh_token = self.refresh_token

        token_type: str = self.token_type

        user = self.user.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "access_token": access_token,
                "expires_in": expires_in,
                "refresh_token": refresh_token,
                "token_type": token_type,
                "user": user,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.user import User  # noqa: PLC0415

        d = dict(src_dict)
        access_token = d.pop("access_token")

        expires_in = d.pop("expires_in")

        refresh_token = d.pop("refresh_token")

        token_type = check_login_result_token_type(d.pop("token_type"))

        user = User.from_dict(d.pop("user"))

        login_result = cls(
            access_token=access_token,
            expires_in=expires_in,
            refresh_token=refresh_token,
            token_type=token_type,
            user=user,
        )

        return login_result
