from typing import Literal

PasskeyListEnvelopeStatus = Literal["success"]

PASSKEY_LIST_ENVELOPE_STATUS_VALUES: set[PasskeyListEnvelopeStatus] = {
    "success",
}


def check_passkey_list_envelope_status(value: str) -> PasskeyListEnvelopeStatus:
    if value in PASSKEY_LIST_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PASSKEY_LIST_ENVELOPE_STATUS_VALUES!r}")
