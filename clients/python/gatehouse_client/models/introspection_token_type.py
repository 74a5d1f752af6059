from typing import Literal

IntrospectionTokenType = Literal["Bearer"]

INTROSPECTION_TOKEN_TYPE_VALUES: set[IntrospectionTokenType] = {
    "Bearer",
}


def check_introspection_token_type(value: str) -> IntrospectionTokenType:
    if value in INTROSPECTION_TOKEN_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {INTROSPECTION_TOKEN_TYPE_VALUES!r}")
