from typing import Literal

NotReadyStatus = Literal["error"]

NOT_READY_STATUS_VALUES: set[NotReadyStatus] = {
    "error",
}


def check_not_ready_status(value: str) -> NotReadyStatus:
    if value in NOT_READY_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {NOT_READY_STATUS_VALUES!r}")
