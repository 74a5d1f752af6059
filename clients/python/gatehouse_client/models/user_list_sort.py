from typing import Literal

UserListSort = Literal["-created_at", "created_at"]

USER_LIST_SORT_VALUES: set[UserListSort] = {
    "-created_at",
    "created_at",
}


def check_user_list_sort(value: str) -> UserListSort:
    if value in USER_LIST_SORT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {USER_LIST_SORT_VALUES!r}")
