from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="MfaChallenge")


@_attrs_define
class MfaChallenge:
    """
    Attributes:
        expires_in (int): Seconds until `mfa_token` expires (300).
        methods (list[str]): The second factors the account can answer with: `totp`, `recovery_code`, `passkey`.
            Example: ['totp', 'recovery_code'].
        mfa_required (bool):
        mfa_token (str): POST it with a code to /auth/login/mfa; single use, dies after 5 wrong codes.
    """

    expires_in: int
    methods: list[str]
    mfa_required: bool
    mfa_token: str

    def to_dict(self) -> dict[str, Any]:
        expires_in = self.expires_in

        methods = self.methods

        mfa_required = self.mfa_required

        mfa_token = self.mfa_token

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "expires_in": expires_in,
                "methods": methods,
                "mfa_required": mfa_required,
                "mfa_token": mfa_token,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        expires_in = d.pop("expires_in")

        methods = cast(list[str], d.pop("methods"))

        mfa_required = d.pop("mfa_required")

        mfa_token = d.pop("mfa_token")

        mfa_challenge = cls(
            expires_in=expires_in,
            methods=methods,
            mfa_required=mfa_required,
            mfa_token=mfa_token,
        )

        return mfa_challenge
