from typing import Literal

RecoveryCodesEnvelopeStatus = Literal["success"]

RECOVERY_CODES_ENVELOPE_STATUS_VALUES: set[RecoveryCodesEnvelopeStatus] = {
    "success",
}


def check_recovery_codes_envelope_status(value: str) -> RecoveryCodesEnvelopeStatus:
    if value in RECOVERY_CODES_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {RECOVERY_CODES_ENVELOPE_STATUS_VALUES!r}")
