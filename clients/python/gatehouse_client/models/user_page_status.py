from typing import Literal

UserPageStatus = Literal["success"]

USER_PAGE_STATUS_VALUES: set[UserPageStatus] = {
    "success",
}


def check_user_page_status(value: str) -> UserPageStatus:
    if value in USER_PAGE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {USER_PAGE_STATUS_VALUES!r}")
