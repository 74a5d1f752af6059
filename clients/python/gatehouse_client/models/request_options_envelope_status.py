from typing import Literal

RequestOptionsEnvelopeStatus = Literal["success"]

REQUEST_OPTIONS_ENVELOPE_STATUS_VALUES: set[RequestOptionsEnvelopeStatus] = {
    "success",
}


def check_request_options_envelope_status(value: str) -> RequestOptionsEnvelopeStatus:
    if value in REQUEST_OPTIONS_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {REQUEST_OPTIONS_ENVELOPE_STATUS_VALUES!r}")
