from typing import Literal

MfaStatusEnvelopeStatus = Literal["success"]

MFA_STATUS_ENVELOPE_STATUS_VALUES: set[MfaStatusEnvelopeStatus] = {
    "success",
}


def check_mfa_status_envelope_status(value: str) -> MfaStatusEnvelopeStatus:
    if value in MFA_STATUS_ENVELOPE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {MFA_STATUS_ENVELOPE_STATUS_VALUES!r}")
