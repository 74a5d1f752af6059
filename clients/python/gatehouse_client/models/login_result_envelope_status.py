from typing import Literal

LoginResultEnvelopeStatus = Literal["success"]

LOGIN_RESULT_ENVELOPE_STATUS_VALUES: set[LoginResultEnvelopeStatus] = {
    "success",
}


def check_login_result_envelope_status(value: str) -> LoginResultEnvelopeStatus:
    if value in LOGIN_RESULT_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LOGIN_RESULT_ENVELOPE_STATUS_VALUES!r}")
