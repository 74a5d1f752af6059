from typing import Literal

MyAccountEnvelopeStatus = Literal["success"]

MY_ACCOUNT_ENVELOPE_STATUS_VALUES: set[MyAccountEnvelopeStatus] = {
    "success",
}


def check_my_account_envelope_status(value: str) -> MyAccountEnvelopeStatus:
    if value in MY_ACCOUNT_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {MY_ACCOUNT_ENVELOPE_STATUS_VALUES!r}")
