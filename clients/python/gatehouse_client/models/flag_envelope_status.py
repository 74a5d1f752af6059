from typing import Literal

FlagEnvelopeStatus = Literal["success"]

FLAG_ENVELOPE_STATUS_VALUES: set[FlagEnvelopeStatus] = {
    "success",
}


def check_flag_envelope_status(value: str) -> FlagEnvelopeStatus:
    if value in FLAG_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {FLAG_ENVELOPE_STATUS_VALUES!r}")
