from typing import Literal

TotpSetupEnvelopeStatus = Literal["success"]

TOTP_SETUP_ENVELOPE_STATUS_VALUES: set[TotpSetupEnvelopeStatus] = {
    "success",
}


def check_totp_setup_envelope_status(value: str) -> TotpSetupEnvelopeStatus:
    if value in TOTP_SETUP_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TOTP_SETUP_ENVELOPE_STATUS_VALUES!r}")
