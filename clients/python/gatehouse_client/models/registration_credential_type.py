from typing import Literal

RegistrationCredentialType = Literal["public-key"]

REGISTRATION_CREDENTIAL_TYPE_VALUES: set[RegistrationCredentialType] = {
    "public-key",
}


def check_registration_credential_type(value: str) -> RegistrationCredentialType:
    if value in REGISTRATION_CREDENTIAL_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {REGISTRATION_CREDENTIAL_TYPE_VALUES!r}")
