from typing import Literal

OidcLinkStartEnvelopeStatus = Literal["success"]

OIDC_LINK_START_ENVELOPE_STATUS_VALUES: set[OidcLinkStartEnvelopeStatus] = {
    "success",
}


def check_oidc_link_start_envelope_status(value: str) -> OidcLinkStartEnvelopeStatus:
    if value in OIDC_LINK_START_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {OIDC_LINK_START_ENVELOPE_STATUS_VALUES!r}")
