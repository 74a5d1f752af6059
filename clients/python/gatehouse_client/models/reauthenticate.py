from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.reauthenticate_credential import ReauthenticateCredential


T = TypeVar("T", bound="Reauthenticate")


@_attrs_define
class Reauthenticate:
    """
    Attributes:
        password (str):  Example: SecurePass123.
        code (str | Unset): With two-factor sign-in on: a current code of the authenticator app or an unused recovery
            code. Example: 123456.
        credential (ReauthenticateCredential | Unset): With two-factor sign-in on, instead of `code`: a passkey's
            assertion (PublicKeyCredential as JSON) for a challenge from POST /auth/passkeys/login/options.
    """

    password: str
    code: str | Unset = UNSET
    credential: ReauthenticateCredential | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        password = self.password

        code = self.code

        credential: dict[str, Any] | Unset = UNSET
        if not isinstance(self.credential, Unset):
            credential = self.credential.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "password": password,
            }
        )
        if code is not UNSET:
            field_dict["code"] = code
        if credential is not UNSET:
            field_dict["credential"] = credential

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reauthenticate_credential import ReauthenticateCredential  # noqa: PLC0415

        d = dict(src_dict)
        password = d.pop("password")

        code = d.pop("code", UNSET)

        _credential = d.pop("credential", UNSET)
        credential: ReauthenticateCredential | Unset
        if isinstance(_credential, Unset):
            credential = UNSET
        else:
            credential = ReauthenticateCredential.from_dict(_credential)

        reauthenticate = cls(
            password=password,
            code=code,
            credential=credential,
        )

        return reauthenticate
