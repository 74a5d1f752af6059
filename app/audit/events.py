"""The audit event types: `{area}.{what happened}`.

Add a new type here and to EVENT_TYPES (the admin route's filter accepts only these).
"""

REGISTERED = "user.registered"
VERIFIED = "user.verified"
LOGIN_SUCCEEDED = "auth.login_succeeded"
LOGIN_FAILED = "auth.login_failed"
LOGIN_LOCKED = "auth.login_locked"
REFRESH_REUSE_DETECTED = "auth.refresh_reuse_detected"
LOGOUT = "auth.logout"
LOGOUT_ALL = "auth.logout_all"
SESSION_REVOKED = "auth.session_revoked"
PASSWORD_RESET_REQUESTED = "auth.password_reset_requested"
PASSWORD_RESET = "auth.password_reset"
PASSWORD_CHANGED = "auth.password_changed"
EMAIL_CHANGED = "user.email_changed"
EMAIL_CHANGE_REQUESTED = "user.email_change_requested"
ACCOUNT_UPDATED = "user.updated"
ACCOUNT_DISABLED = "user.disabled"
ACCOUNT_DELETED = "user.deleted"
FLAG_CHANGED = "flag.changed"
REAUTHENTICATED = "auth.reauthenticated"
ADMIN_GRANTED = "user.admin_granted"
# Two-factor sign-in (docs/mfa.md).
MFA_REQUIRED = "auth.mfa_required"
NEW_SIGN_IN = "auth.new_sign_in"
# Signing keys (docs/signing-keys.md).
SIGNING_KEY_ROTATED = "keys.rotated"
SIGNING_KEY_RETIRED = "keys.retired"
# Passkeys (docs/passkeys.md).
PASSKEY_ADDED = "passkey.added"
PASSKEY_RENAMED = "passkey.renamed"
PASSKEY_REMOVED = "passkey.removed"
PASSKEY_SIGN_IN_FAILED = "passkey.sign_in_failed"
PASSKEY_COUNTER_REGRESSION = "passkey.counter_regression"
MFA_SETUP_STARTED = "auth.mfa_setup_started"
MFA_ENABLED = "auth.mfa_enabled"
MFA_DISABLED = "auth.mfa_disabled"
MFA_RESET = "auth.mfa_reset"
MFA_FAILED = "auth.mfa_failed"
RECOVERY_CODE_USED = "auth.recovery_code_used"
RECOVERY_CODES_REGENERATED = "auth.recovery_codes_regenerated"
# Sign-in with OpenID Connect providers (docs/oidc.md).
OIDC_LINKED = "auth.oidc_linked"
OIDC_UNLINKED = "auth.oidc_unlinked"
OIDC_REFUSED = "auth.oidc_refused"
EVENT_TYPES = (
    REGISTERED,
    VERIFIED,
    LOGIN_SUCCEEDED,
    LOGIN_FAILED,
    LOGIN_LOCKED,
    REFRESH_REUSE_DETECTED,
    LOGOUT,
    LOGOUT_ALL,
    SESSION_REVOKED,
    PASSWORD_RESET,
    PASSWORD_CHANGED,
    EMAIL_CHANGED,
    EMAIL_CHANGE_REQUESTED,
    ACCOUNT_UPDATED,
    ACCOUNT_DISABLED,
    ACCOUNT_DELETED,
    PASSWORD_RESET_REQUESTED,
    FLAG_CHANGED,
    MFA_REQUIRED,
    NEW_SIGN_IN,
    REAUTHENTICATED,
    ADMIN_GRANTED,
    SIGNING_KEY_ROTATED,
    SIGNING_KEY_RETIRED,
    PASSKEY_ADDED,
    PASSKEY_RENAMED,
    PASSKEY_REMOVED,
    PASSKEY_SIGN_IN_FAILED,
    PASSKEY_COUNTER_REGRESSION,
    MFA_SETUP_STARTED,
    MFA_ENABLED,
    MFA_DISABLED,
    MFA_RESET,
    MFA_FAILED,
    RECOVERY_CODE_USED,
    RECOVERY_CODES_REGENERATED,
    OIDC_LINKED,
    OIDC_UNLINKED,
    OIDC_REFUSED,
)
