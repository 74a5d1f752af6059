from typing import Literal

PasskeyEnvelopeStatus = Literal["success"]

PASSKEY_ENVELOPE_STATUS_VALUES: set[PasskeyEnvelopeStatus] = {
    "success",
}


def check_passkey_envelope_status(value: str) -> PasskeyEnvelopeStatus:
    if value in PASSKEY_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PASSKEY_ENVELOPE_STATUS_VALUES!r}")
