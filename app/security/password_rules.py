"""What a new password must be (registration, reset, change, create-admin)."""

from __future__ import annotations

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128


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
