from typing import Literal

AuthenticationCredentialType = Literal["public-key"]

AUTHENTICATION_CREDENTIAL_TYPE_VALUES: set[AuthenticationCredentialType] = {
    "public-key",
}


def check_authentication_credential_type(value: str) -> AuthenticationCredentialType:
    if value in AUTHENTICATION_CREDENTIAL_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {AUTHENTICATION_CREDENTIAL_TYPE_VALUES!r}")
