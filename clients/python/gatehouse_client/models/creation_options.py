from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.creation_options_authenticator_selection import CreationOptionsAuthenticatorSelection
    from ..models.creation_options_exclude_credentials_item import CreationOptionsExcludeCredentialsItem
    from ..models.creation_options_pub_key_cred_params_item import CreationOptionsPubKeyCredParamsItem
    from ..models.creation_options_rp import CreationOptionsRp
    from ..models.creation_options_user import CreationOptionsUser


T = TypeVar("T", bound="CreationOptions")


@_attrs_define
class CreationOptions:
    """
    Attributes:
        attestation (str):
        authenticator_selection (CreationOptionsAuthenticatorSelection):
        challenge (str):
        exclude_credentials (list[CreationOptionsExcludeCredentialsItem]): The account's passkeys (type, id,
            transports).
        pub_key_cred_params (list[CreationOptionsPubKeyCredParamsItem]):
        rp (CreationOptionsRp):  Example: {'id': 'example.com', 'name': 'Gatehouse'}.
        timeout (int): Milliseconds.
        user (CreationOptionsUser): id (base64url user handle), name, displayName.
        hints (list[str] | Unset):
    """

    attestation: str
    authenticator_selection: CreationOptionsAuthenticatorSelection
    challenge: str
    exclude_credentials: list[CreationOptionsExcludeCredentialsItem]
    pub_key_cred_params: list[CreationOptionsPubKeyCredParamsItem]
    rp: CreationOptionsRp
    timeout: int
    user: CreationOptionsUser
    hints: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        attestation = self.attestation

        authenticator_selection = self.authenticator_selection.to_dict()

        challenge = self.challenge

        exclude_credentials = []
        for exclude_credentials_item_data in self.exclude_credentials:
            exclude_credentials_item = exclude_credentials_item_data.to_dict()
            exclude_credentials.append(exclude_credentials_item)

        pub_key_cred_params = []
        for pub_key_cred_params_item_data in self.pub_key_cred_params:
            pub_key_cred_params_item = pub_key_cred_params_item_data.to_dict()
            pub_key_cred_params.append(pub_key_cred_params_item)

        rp = self.rp.to_dict()

        timeout = self.timeout

        user = self.user.to_dict()

        hints: list[str] | Unset = UNSET
        if not isinstance(self.hints, Unset):
            hints = self.hints

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "attestation": attestation,
                "authenticatorSelection": authenticator_selection,
                "challenge": challenge,
                "excludeCredentials": exclude_credentials,
                "pubKeyCredParams": pub_key_cred_params,
                "rp": rp,
                "timeout": timeout,
                "user": user,
            }
        )
        if hints is not UNSET:
            field_dict["hints"] = hints

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.creation_options_authenticator_selection import CreationOptionsAuthenticatorSelection  # noqa: PLC0415
        from ..models.creation_options_exclude_credentials_item import CreationOptionsExcludeCredentialsItem  # noqa: PLC0415
        from ..models.creation_options_pub_key_cred_params_item import CreationOptionsPubKeyCredParamsItem  # noqa: PLC0415
        from ..models.creation_options_rp import CreationOptionsRp  # noqa: PLC0415
        from ..models.creation_options_user import CreationOptionsUser  # noqa: PLC0415

        d = dict(src_dict)
        attestation = d.pop("attestation")

        authenticator_selection = CreationOptionsAuthenticatorSelection.from_dict(d.pop("authenticatorSelection"))

        challenge = d.pop("challenge")

        exclude_credentials = []
        _exclude_credentials = d.pop("excludeCredentials")
        for exclude_credentials_item_data in _exclude_credentials:
            exclude_credentials_item = CreationOptionsExcludeCredentialsItem.from_dict(exclude_credentials_item_data)

            exclude_credentials.append(exclude_credentials_item)

        pub_key_cred_params = []
        _pub_key_cred_params = d.pop("pubKeyCredParams")
        for pub_key_cred_params_item_data in _pub_key_cred_params:
            pub_key_cred_params_item = CreationOptionsPubKeyCredParamsItem.from_dict(pub_key_cred_params_item_data)

            pub_key_cred_params.append(pub_key_cred_params_item)

        rp = CreationOptionsRp.from_dict(d.pop("rp"))

        timeout = d.pop("timeout")

        user = CreationOptionsUser.from_dict(d.pop("user"))

        hints = cast(list[str], d.pop("hints", UNSET))

        creation_options = cls(
            attestation=attestation,
            authenticator_selection=authenticator_selection,
            challenge=challenge,
            exclude_credentials=exclude_credentials,
            pub_key_cred_params=pub_key_cred_params,
            rp=rp,
            timeout=timeout,
            user=user,
            hints=hints,
        )

        return creation_options
