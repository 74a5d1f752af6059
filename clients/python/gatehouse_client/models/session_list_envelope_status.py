from typing import Literal

SessionListEnvelopeStatus = Literal["success"]

SESSION_LIST_ENVELOPE_STATUS_VALUES: set[SessionListEnvelopeStatus] = {
    "success",
}


def check_session_list_envelope_status(value: str) -> SessionListEnvelopeStatus:
    if value in SESSION_LIST_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SESSION_LIST_ENVELOPE_STATUS_VALUES!r}")
