from typing import Literal

UserEnvelopeStatus = Literal["success"]

USER_ENVELOPE_STATUS_VALUES: set[UserEnvelopeStatus] = {
    "success",
}


def check_user_envelope_status(value: str) -> UserEnvelopeStatus:
    if value in USER_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {USER_ENVELOPE_STATUS_VALUES!r}")
