"""Users routes: the caller's account and profile, and the admin view of users."""

from functools import lru_cache

from flask import current_app, jsonify
from marshmallow import RAISE

from app import account_cache, errors
from app.auth.fresh import require_fresh_session
from app.blueprint import Blueprint, path_id
from app.context import caller_id, request_context
from app.pagination import PAGINATION_HEADER, paged_response
from app.responses import envelope
from app.users import profile, service
from app.users.schemas import (
    MeUpdateResultSchema,
    MeUpdateSchema,
    MyAccountSchema,
    ProfileSchema,
    ProfileUpdateSchema,
    UserListQuerySchema,
    UserPageSchema,
    UserSchema,
    UserUpdateSchema,
)

blp = Blueprint("users", __name__, description="Accounts, profiles and the admin view of users.")

# ---------------------------------------------------------------- /me


@blp.route("/me", methods=["GET"])
@blp.auth_required
@blp.response(200, envelope(MyAccountSchema))
@blp.errors(404)
def get_me():
    """Your account, and the ways you can sign in to it."""
    user_id = caller_id()
    snapshot = account_cache.current_entry(user_id)
    body = _my_account_body(snapshot) if snapshot is not None else None
    if body is not None:
        return current_app.response_class(body, mimetype="application/json")
    return {"data": service.get_my_account(user_id)}


_MY_ACCOUNT = envelope(MyAccountSchema)()


@lru_cache(maxsize=4096)
def _my_account_body(snapshot: bytes) -> bytes | None:
    # The most frequent request of all serialises the same snapshot again and
    # again: its body is a function of the snapshot's bytes alone, so it is
    # made once per snapshot and worker (the bytes change with every write).
    account = service.my_account_in(snapshot)
    if account is None:
        return None
    return jsonify(_MY_ACCOUNT.dump({"data": account})).get_data()


@blp.route("/me", methods=["PATCH"])
@blp.auth_required
@blp.arguments(MeUpdateSchema)
@blp.response(200, envelope(MeUpdateResultSchema))
@blp.errors(403, 404, 409, 429)  # 403 AUTH_REAUTH_REQUIRED_033 (email without a fresh session);
# 409 AUTH_EMAIL_EXISTS_003; 429: too many email changes in the last hour
def update_me(changes):
    """Change your name, or ask to change your email.

    A new email needs a fresh session (a sign-in or POST
    /api/v1/auth/reauthenticate within REAUTH_MAX_AGE_SECONDS, else 403
    AUTH_REAUTH_REQUIRED_033) and takes effect only when the link sent to it
    is used (POST /api/v1/auth/verify-email); until then the account keeps
    its current email, and a notice goes to that address.
    """
    if "email" in changes:
        require_fresh_session()
    ctx = request_context()
    result = service.update_account(ctx.user_id, changes, ctx)
    message = (
        f"A confirmation link was sent to {result.pending_email}; your email changes once it is used."
        if result.pending_email
        else "Your account was updated."
    )
    return {"data": result, "message": message}


@blp.route("/me", methods=["DELETE"])
@blp.fresh_session_required
@blp.response(200, envelope(None))
@blp.errors(404, 503)  # 503 SERVER_UNAVAILABLE_012: the cache refused the sessions' revocation, nothing changed
def delete_me():
    """Delete your account: every session ends and the email may register again.

    Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033 otherwise).
    """
    ctx = request_context()
    service.delete_account(ctx.user_id, ctx)
    return {"message": "Your account was deleted."}


@blp.route("/me/profile", methods=["GET"])
@blp.auth_required
@blp.response(200, envelope(ProfileSchema))
def get_my_profile():
    """Your profile (nulls and an empty `preferences` until first written)."""
    return {"data": profile.get_profile(request_context().user_id)}


@blp.route("/me/profile", methods=["PUT"], operation_id="replaceMyProfile")
@blp.auth_required
@blp.arguments(ProfileUpdateSchema)
@blp.response(200, envelope(ProfileSchema))
@blp.errors(404)
def put_my_profile(values):
    """Replace your profile; a field left out goes back to its default."""
    return {"data": profile.replace_profile(request_context().user_id, values), "message": "Your profile was saved."}


# ------------------------------------------------------- the admin view


@blp.route("/", methods=["GET"], strict_slashes=False)
@blp.admin_required
@blp.arguments(UserListQuerySchema, location="query", unknown=RAISE, as_kwargs=True)
@blp.response(200, UserPageSchema, headers=PAGINATION_HEADER)
def list_users(**query):
    """List accounts (admin): paged, filtered, ordered by creation time."""
    return paged_response(*service.list_users(**query))


@blp.route("/<string:user_id>", methods=["GET"])
@blp.auth_required
@blp.response(200, envelope(UserSchema))
@blp.errors(403, 404)  # 403: not your account and you are not an admin; 404 USER_NOT_FOUND_002
def get_user(user_id):
    """An account: your own, or any (admin)."""
    ctx = request_context()
    return {"data": service.get_user(ctx.user_id, path_id(user_id, errors.USER_NOT_FOUND), ctx)}


@blp.route("/<string:user_id>", methods=["PATCH"])
@blp.auth_required
@blp.arguments(UserUpdateSchema)
@blp.response(200, envelope(UserSchema))
@blp.errors(403, 404, 409, 503)  # 409 USER_SELF_DEMOTION_027 / USER_SELF_DELETION_028; 503 as delete_me
def update_user(changes, user_id):
    """Update an account: full_name (owner or admin); is_active, is_verified, is_admin (admin).

    Setting is_active to false ends that user's sessions at once.
    """
    ctx = request_context()
    user = service.update_user(ctx.user_id, path_id(user_id, errors.USER_NOT_FOUND), changes, ctx)
    return {"data": user, "message": "The account was updated."}


@blp.route("/<string:user_id>", methods=["DELETE"])
@blp.auth_required
@blp.response(200, envelope(None))
@blp.errors(403, 404, 409, 503)  # 409 USER_SELF_DELETION_028: an admin deletes their own account via /me; 503 as delete_me
def delete_user(user_id):
    """Delete an account (soft delete): its sessions end and its email may register again."""
    ctx = request_context()
    service.delete_user(ctx.user_id, path_id(user_id, errors.USER_NOT_FOUND), ctx)
    return {"message": "The account was deleted."}
