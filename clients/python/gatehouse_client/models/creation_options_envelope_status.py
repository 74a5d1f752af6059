from typing import Literal

CreationOptionsEnvelopeStatus = Literal["success"]

CREATION_OPTIONS_ENVELOPE_STATUS_VALUES: set[CreationOptionsEnvelopeStatus] = {
    "success",
}


def check_creation_options_envelope_status(value: str) -> CreationOptionsEnvelopeStatus:
    if value in CREATION_OPTIONS_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CREATION_OPTIONS_ENVELOPE_STATUS_VALUES!r}")
