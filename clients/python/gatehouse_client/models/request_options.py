from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.request_options_user_verification import (
    RequestOptionsUserVerification,
    check_request_options_user_verification,
)

if TYPE_CHECKING:
    from ..models.request_options_allow_credentials_item import RequestOptionsAllowCredentialsItem


T = TypeVar("T", bound="RequestOptions")


@_attrs_define
class RequestOptions:
    """
    Attributes:
        allow_credentials (list[RequestOptionsAllowCredentialsItem]): Empty (the browser offers the passkeys it holds
            for this site), except for the second step of a sign-in: the account's passkeys.
        challenge (str):
        rp_id (str):
        timeout (int): Milliseconds.
        user_verification (RequestOptionsUserVerification):
    """

    allow_credentials: list[RequestOptionsAllowCredentialsItem]
    challenge: str
    rp_id: str
    timeout: int
    user_verification: RequestOptionsUserVerification

    def to_dict(self) -> dict[str, Any]:
        allow_credentials = []
        for allow_credentials_item_data in self.allow_credentials:
            allow_credentials_item = allow_credentials_item_data.to_dict()
            allow_credentials.append(allow_credentials_item)

        challenge = self.challenge

        rp_id = self.rp_id

        timeout = self.timeout

        user_verification: str = self.user_verification

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "allowCredentials": allow_credentials,
                "challenge": challenge,
                "rpId": rp_id,
                "timeout": timeout,
                "userVerification": user_verification,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.request_options_allow_credentials_item import RequestOptionsAllowCredentialsItem  # noqa: PLC0415

        d = dict(src_dict)
        allow_credentials = []
        _allow_credentials = d.pop("allowCredentials")
        for allow_credentials_item_data in _allow_credentials:
            allow_credentials_item = RequestOptionsAllowCredentialsItem.from_dict(allow_credentials_item_data)

            allow_credentials.append(allow_credentials_item)

        challenge = d.pop("challenge")

        rp_id = d.pop("rpId")

        timeout = d.pop("timeout")

        user_verification = check_request_options_user_verification(d.pop("userVerification"))

        request_options = cls(
            allow_credentials=allow_credentials,
            challenge=challenge,
            rp_id=rp_id,
            timeout=timeout,
            user_verification=user_verification,
        )

        return request_options
