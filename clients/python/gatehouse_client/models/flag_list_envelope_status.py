from typing import Literal

FlagListEnvelopeStatus = Literal["success"]

FLAG_LIST_ENVELOPE_STATUS_VALUES: set[FlagListEnvelopeStatus] = {
    "success",
}


def check_flag_list_envelope_status(value: str) -> FlagListEnvelopeStatus:
    if value in FLAG_LIST_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {FLAG_LIST_ENVELOPE_STATUS_VALUES!r}")
