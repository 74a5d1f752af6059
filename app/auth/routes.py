"""Auth routes: sign-up, verification, sign-in, sessions, recovery."""

from flask_smorest import Blueprint

blp = Blueprint("auth", __name__, description="Sign-up, sign-in, sessions and account recovery.")
