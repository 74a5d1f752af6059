"""User accounts: reading, updating, deleting, and the admin operations."""

from __future__ import annotations

from marshmallow import ValidationError
from sqlalchemy import func

from app import errors
from app.errors import AppError
from app.extensions import db
from app.fields import Email
from app.models import User
from app.security import hash_password, password_problems


def find_live_user_by_email(email: str) -> User | None:
    """The non-deleted account with this (normalised) email, if any."""
    return db.session.execute(
        db.select(User).where(func.lower(User.email) == email, User.deleted_at.is_(None))
    ).scalar_one_or_none()


def ensure_admin(email: str, password: str, full_name: str) -> tuple[User, bool]:
    """Make `email` an admin: promote the live account (its password is kept) or
    create a verified admin with `password`. Returns (user, created)."""
    try:
        email = Email().deserialize(email)
    except ValidationError as exc:
        raise AppError(errors.VALIDATION_FAILED, field="email",
                       details=[{"field": "email", "message": m} for m in exc.messages]) from None
    user = find_live_user_by_email(email)
    if user is not None:
        user.is_admin = True
        db.session.commit()
        return user, False
    problems = password_problems(password)
    if problems:
        raise AppError(errors.VALIDATION_FAILED, field="password",
                       details=[{"field": "password", "message": m} for m in problems])
    user = User(email=email, password_hash=hash_password(password), full_name=full_name,
                is_admin=True, is_verified=True)
    db.session.add(user)
    db.session.commit()
    return user, True
