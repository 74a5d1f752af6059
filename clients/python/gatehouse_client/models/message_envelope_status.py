from typing import Literal

MessageEnvelopeStatus = Literal["success"]

MESSAGE_ENVELOPE_STATUS_VALUES: set[MessageEnvelopeStatus] = {
    "success",
}


def check_message_envelope_status(value: str) -> MessageEnvelopeStatus:
    if value in MESSAGE_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {MESSAGE_ENVELOPE_STATUS_VALUES!r}")
