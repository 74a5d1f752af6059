from typing import Literal

RegisteredUserEnvelopeStatus = Literal["success"]

REGISTERED_USER_ENVELOPE_STATUS_VALUES: set[RegisteredUserEnvelopeStatus] = {
    "success",
}


def check_registered_user_envelope_status(value: str) -> RegisteredUserEnvelopeStatus:
    if value in REGISTERED_USER_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {REGISTERED_USER_ENVELOPE_STATUS_VALUES!r}")
