from typing import Literal

LoginResultTokenType = Literal["Bearer"]

LOGIN_RESULT_TOKEN_TYPE_VALUES: set[LoginResultTokenType] = {
    "Bearer",
}


def check_login_result_token_type(value: str) -> LoginResultTokenType:
    if value in LOGIN_RESULT_TOKEN_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LOGIN_RESULT_TOKEN_TYPE_VALUES!r}")
