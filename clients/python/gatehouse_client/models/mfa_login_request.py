from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.mfa_login_request_credential import MfaLoginRequestCredential


T = TypeVar("T", bound="MfaLoginRequest")


@_attrs_define
class MfaLoginRequest:
    """
    Attributes:
        mfa_token (str): The `mfa_token` of the sign-in's `mfa_required` answer.
        code (str | Unset): A current code of the authenticator app (6 digits) or an unused recovery code. Example:
            123456.
        credential (MfaLoginRequestCredential | Unset): Instead of `code`: a passkey's assertion (PublicKeyCredential as
            JSON), for a challenge from POST /auth/passkeys/login/options with this `mfa_token`.
    """

    mfa_token: str
    code: str | Unset = UNSET
    credential: MfaLoginRequestCredential | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        mfa_token = self.mfa_token

        code = self.code

        credential: dict[str, Any] | Unset = UNSET
        if not isinstance(self.credential, Unset):
            credential = self.credential.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "mfa_token": mfa_token,
            }
        )
        if code is not UNSET:
            field_dict["code"] = code
        if credential is not UNSET:
            field_dict["credential"] = credential

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.mfa_login_request_credential import MfaLoginRequestCredential  # noqa: PLC0415

        d = dict(src_dict)
        mfa_token = d.pop("mfa_token")

        code = d.pop("code", UNSET)

        _credential = d.pop("credential", UNSET)
        credential: MfaLoginRequestCredential | Unset
        if isinstance(_credential, Unset):
            credential = UNSET
        else:
            credential = MfaLoginRequestCredential.from_dict(_credential)

        mfa_login_request = cls(
            mfa_token=mfa_token,
            code=code,
            credential=credential,
        )

        return mfa_login_request
