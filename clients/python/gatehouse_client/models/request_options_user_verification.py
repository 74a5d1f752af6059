from typing import Literal

RequestOptionsUserVerification = Literal["required"]

REQUEST_OPTIONS_USER_VERIFICATION_VALUES: set[RequestOptionsUserVerification] = {
    "required",
}


def check_request_options_user_verification(value: str) -> RequestOptionsUserVerification:
    if value in REQUEST_OPTIONS_USER_VERIFICATION_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {REQUEST_OPTIONS_USER_VERIFICATION_VALUES!r}")
