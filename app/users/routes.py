"""Users routes: the caller's account and profile, and the admin view of users."""

from flask_smorest import Blueprint

blp = Blueprint("users", __name__, description="Accounts, profiles and the admin view of users.")
