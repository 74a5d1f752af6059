from typing import Literal

TokenPairEnvelopeStatus = Literal["success"]

TOKEN_PAIR_ENVELOPE_STATUS_VALUES: set[TokenPairEnvelopeStatus] = {
    "success",
}


def check_token_pair_envelope_status(value: str) -> TokenPairEnvelopeStatus:
    if value in TOKEN_PAIR_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TOKEN_PAIR_ENVELOPE_STATUS_VALUES!r}")
