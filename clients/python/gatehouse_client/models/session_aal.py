from typing import Literal

SessionAal = Literal[1, 2]

SESSION_AAL_VALUES: set[SessionAal] = {
    1,
    2,
}


def check_session_aal(value: int) -> SessionAal:
    if value in SESSION_AAL_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SESSION_AAL_VALUES!r}")
