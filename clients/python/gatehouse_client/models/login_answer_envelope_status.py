from typing import Literal

LoginAnswerEnvelopeStatus = Literal["success"]

LOGIN_ANSWER_ENVELOPE_STATUS_VALUES: set[LoginAnswerEnvelopeStatus] = {
    "success",
}


def check_login_answer_envelope_status(value: str) -> LoginAnswerEnvelopeStatus:
    if value in LOGIN_ANSWER_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LOGIN_ANSWER_ENVELOPE_STATUS_VALUES!r}")
