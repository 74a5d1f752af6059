from typing import Literal

OidcProviderListEnvelopeStatus = Literal["success"]

OIDC_PROVIDER_LIST_ENVELOPE_STATUS_VALUES: set[OidcProviderListEnvelopeStatus] = {
    "success",
}


def check_oidc_provider_list_envelope_status(value: str) -> OidcProviderListEnvelopeStatus:
    if value in OIDC_PROVIDER_LIST_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {OIDC_PROVIDER_LIST_ENVELOPE_STATUS_VALUES!r}")
