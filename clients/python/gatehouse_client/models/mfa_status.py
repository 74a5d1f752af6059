from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="MfaStatus")


@_attrs_define
class MfaStatus:
    """
    Attributes:
        passkeys (int): Passkeys registered to the account.
        recovery_codes_left (int): Unused recovery codes.
        totp_enabled (bool): Two-factor sign-in with an authenticator app is on.
    """

    passkeys: int
    recovery_codes_left: int
    totp_enabled: bool

    def to_dict(self) -> dict[str, Any]:
        passkeys = self.passkeys

        recovery_codes_left = self.recovery_codes_left

        totp_enabled = self.totp_enabled

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "passkeys": passkeys,
                "recovery_codes_left": recovery_codes_left,
                "totp_enabled": totp_enabled,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        passkeys = d.pop("passkeys")

        recovery_codes_left = d.pop("recovery_codes_left")

        totp_enabled = d.pop("totp_enabled")

        mfa_status = cls(
            passkeys=passkeys,
            recovery_codes_left=recovery_codes_left,
            totp_enabled=totp_enabled,
        )

        return mfa_status
