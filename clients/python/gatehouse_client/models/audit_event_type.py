from typing import Literal

AuditEventType = Literal[
    "auth.login_failed",
    "auth.login_locked",
    "auth.login_succeeded",
    "auth.logout",
    "auth.logout_all",
    "auth.mfa_required",
    "auth.new_sign_in",
    "auth.password_changed",
    "auth.password_reset",
    "auth.password_reset_requested",
    "auth.reauthenticated",
    "auth.refresh_reuse_detected",
    "auth.session_revoked",
    "flag.changed",
    "keys.retired",
    "keys.rotated",
    "user.admin_granted",
    "user.deleted",
    "user.disabled",
    "user.email_change_requested",
    "user.email_changed",
    "user.registered",
    "user.updated",
    "user.verified",
]

AUDIT_EVENT_TYPE_VALUES: set[AuditEventType] = {
    "auth.login_failed",
    "auth.login_locked",
    "auth.login_succeeded",
    "auth.logout",
    "auth.logout_all",
    "auth.mfa_required",
    "auth.new_sign_in",
    "auth.password_changed",
    "auth.password_reset",
    "auth.password_reset_requested",
    "auth.reauthenticated",
    "auth.refresh_reuse_detected",
    "auth.session_revoked",
    "flag.changed",
    "keys.retired",
    "keys.rotated",
    "user.admin_granted",
    "user.deleted",
    "user.disabled",
    "user.email_change_requested",
    "user.email_changed",
    "user.registered",
    "user.updated",
    "user.verified",
}


def check_audit_event_type(value: str) -> AuditEventType:
    if value in AUDIT_EVENT_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {AUDIT_EVENT_TYPE_VALUES!r}")
