from typing import Literal

CallerFlagsEnvelopeStatus = Literal["success"]

CALLER_FLAGS_ENVELOPE_STATUS_VALUES: set[CallerFlagsEnvelopeStatus] = {
    "success",
}


def check_caller_flags_envelope_status(value: str) -> CallerFlagsEnvelopeStatus:
    if value in CALLER_FLAGS_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CALLER_FLAGS_ENVELOPE_STATUS_VALUES!r}")
