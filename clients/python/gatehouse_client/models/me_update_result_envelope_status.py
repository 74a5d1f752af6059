from typing import Literal

MeUpdateResultEnvelopeStatus = Literal["success"]

ME_UPDATE_RESULT_ENVELOPE_STATUS_VALUES: set[MeUpdateResultEnvelopeStatus] = {
    "success",
}


def check_me_update_result_envelope_status(value: str) -> MeUpdateResultEnvelopeStatus:
    if value in ME_UPDATE_RESULT_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ME_UPDATE_RESULT_ENVELOPE_STATUS_VALUES!r}")
