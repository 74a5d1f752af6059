from typing import Literal

OidcIdentityListEnvelopeStatus = Literal["success"]

OIDC_IDENTITY_LIST_ENVELOPE_STATUS_VALUES: set[OidcIdentityListEnvelopeStatus] = {
    "success",
}


def check_oidc_identity_list_envelope_status(value: str) -> OidcIdentityListEnvelopeStatus:
    if value in OIDC_IDENTITY_LIST_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {OIDC_IDENTITY_LIST_ENVELOPE_STATUS_VALUES!r}")
