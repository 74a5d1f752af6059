"""What a new password must be (registration, reset, change, create-admin)."""

from __future__ import annotations

from config import Settings

# Part of the API contract (the OpenAPI document states them), so fixed, not read from the environment.
PASSWORD_MIN_LENGTH = Settings.PASSWORD_MIN_LENGTH
PASSWORD_MAX_LENGTH = Settings.PASSWORD_MAX_LENGTH


def password_problems(password: str) -> list[str]:
    """What makes `password` unacceptable (docs/api.md §4: 8-128 characters, an uppercase letter, a digit); empty when it is fine."""
    problems = []
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        problems.append(f"Password must be {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters long.")
    if not any(c.isupper() for c in password):
        problems.append("Password must contain at least one uppercase letter.")
    if not any(c.isdigit() for c in password):
        problems.append("Password must contain at least one digit.")
    return problems
