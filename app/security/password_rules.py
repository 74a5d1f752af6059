"""What a new password must be (registration, reset, change, create-admin)."""

from __future__ import annotations

import functools

from config import Settings

# Part of the API contract (the OpenAPI document states them), so fixed, not read from the environment.
PASSWORD_MIN_LENGTH = Settings.PASSWORD_MIN_LENGTH
PASSWORD_MAX_LENGTH = Settings.PASSWORD_MAX_LENGTH
# A local part shorter than this is too common a fragment to forbid ("al@...").
LOCAL_PART_MIN_LENGTH = 3
COMMON_PASSWORD = "Password is too common; choose one that is harder to guess."


@functools.cache
def common_passwords() -> frozenset[str]:
    """The 30,000 commonest passwords (lower case) of zxcvbn's frequency lists
    (from leaked password sets; the zxcvbn package, pinned in requirements.txt).
    Offline, loaded once per process on first use (about 0.2 s)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def password_problems(password: str, email: str | None = None) -> list[str]:
    """What makes `password` unacceptable, empty when it is fine: 8-128
    characters, an uppercase letter, a digit (docs/api.md §4); not one of the
    commonest passwords, compared without regard to case (`Password1` is as
    common as `password1`); with `email`, not containing its local part."""
    problems = []
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        problems.append(f"Password must be {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters long.")
    if not any(c.isupper() for c in password):
        problems.append("Password must contain at least one uppercase letter.")
    if not any(c.isdigit() for c in password):
        problems.append("Password must contain at least one digit.")
    if password.lower() in common_passwords():
        problems.append(COMMON_PASSWORD)
    if email is not None:
        problems.extend(email_problems(password, email))
    return problems


def email_problems(password: str, email: str) -> list[str]:
    """The rule that needs the account's address: the password must not
    contain the email's local part (before any `+tag`), case ignored."""
    local = email.rsplit("@", 1)[0].split("+", 1)[0].lower()
    if len(local) >= LOCAL_PART_MIN_LENGTH and local in password.lower():
        return ["Password must not contain the part of your email address before the @."]
    return []
