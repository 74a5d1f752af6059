from typing import Literal

AuditPageStatus = Literal["success"]

AUDIT_PAGE_STATUS_VALUES: set[AuditPageStatus] = {
    "success",
}


def check_audit_page_status(value: str) -> AuditPageStatus:
    if value in AUDIT_PAGE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {AUDIT_PAGE_STATUS_VALUES!r}")
