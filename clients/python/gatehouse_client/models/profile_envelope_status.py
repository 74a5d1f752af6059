from typing import Literal

ProfileEnvelopeStatus = Literal["success"]

PROFILE_ENVELOPE_STATUS_VALUES: set[ProfileEnvelopeStatus] = {
    "success",
}


def check_profile_envelope_status(value: str) -> ProfileEnvelopeStatus:
    if value in PROFILE_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PROFILE_ENVELOPE_STATUS_VALUES!r}")
