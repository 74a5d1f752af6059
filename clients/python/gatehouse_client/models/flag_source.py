from typing import Literal

FlagSource = Literal["default", "set"]

FLAG_SOURCE_VALUES: set[FlagSource] = {
    "default",
    "set",
}


def check_flag_source(value: str) -> FlagSource:
    if value in FLAG_SOURCE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {FLAG_SOURCE_VALUES!r}")
