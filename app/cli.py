"""Operator commands: `flask --app wsgi users ...`, `flask --app wsgi flags list|set|unset`,
`flask --app wsgi openapi write|check` (and the groups other modules add)."""

from __future__ import annotations

import json
import sys
import uuid

import click
from flask import Flask
from flask.cli import AppGroup

from app.context import RequestContext
from config import BASE_DIR

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--full-name", default="Administrator", show_default=True)
def create_admin(email: str, password_stdin: bool, full_name: str) -> None:
    """Make EMAIL an admin: create the account, or promote an existing one."""
    from app.errors import AppError
    from app.users.service import ensure_admin

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user, created = ensure_admin(email, password, full_name)
    except AppError as exc:
        details = "; ".join(d["message"] for d in (exc.details or [])) or exc.message
        raise click.ClickException(details) from None
    if created:
        click.echo(f"created admin {user.email} ({user.id})")
    else:
        click.echo(f"promoted admin {user.email} ({user.id}); the account keeps its password")


flags_cli = AppGroup("flags", help="Feature flags and maintenance mode (stored in Redis).")


def _resolve_user(user: str | None) -> uuid.UUID | None:
    """A user id from `--user` (an id or the email of a live account), or None."""
    if not user:
        return None
    from app.fields import normalize_email
    from app.users.service import find_live_user_by_email

    try:
        return uuid.UUID(user)
    except ValueError:
        pass
    found = find_live_user_by_email(normalize_email(user))
    if found is None:
        raise click.ClickException(f"no user with email {user}")
    return found.id


def _flag_call(function, *args):
    from app.errors import AppError

    try:
        return function(*args)
    except AppError as exc:
        raise click.ClickException(f"{exc.error.code}: {exc.message}") from None


def _echo_state(state: dict) -> None:
    overrides = ", ".join(f"{o['user_id']}={'on' if o['enabled'] else 'off'}" for o in state["overrides"])
    click.echo(
        f"{state['name']:<24} {'on' if state['enabled'] else 'off':<4} "
        f"({state['source']}; default {'on' if state['default'] else 'off'})" + (f"  overrides: {overrides}" if overrides else "")
    )


@flags_cli.command("list")
def flags_list() -> None:
    """Every known flag: value, where it comes from, default, per-user overrides."""
    from app import flags

    for state in _flag_call(flags.all_flag_states):
        _echo_state(state)


@flags_cli.command("set")
@click.argument("name")
@click.argument("value", type=click.Choice(["on", "off", "true", "false"], case_sensitive=False))
@click.option("--user", help="Only for this user (id or email).")
def flags_set(name: str, value: str, user: str | None) -> None:
    """Turn flag NAME on or off, for everyone or for one user."""
    from app import flags

    _echo_state(_flag_call(flags.set_flag, name, value.lower() in ("on", "true"), _resolve_user(user), RequestContext()))


@flags_cli.command("unset")
@click.argument("name")
@click.option("--user", help="Remove this user's override (id or email).")
def flags_unset(name: str, user: str | None) -> None:
    """Return flag NAME to its configured default, or drop one user's override."""
    from app import flags

    _echo_state(_flag_call(flags.unset_flag, name, _resolve_user(user), RequestContext()))


openapi_cli = AppGroup("openapi", help="The OpenAPI document (openapi.json) the clients are generated from.")

OPENAPI_PATH = BASE_DIR / "openapi.json"
# What to run when the committed document or a generated client is out of date (docs/clients.md).
REGENERATE_CLIENTS = "make clients"


def render_openapi() -> str:
    """The app's OpenAPI document (as served at /api/openapi.json) as openapi.json holds it:
    keys sorted, two-space indent, a trailing newline -- the same text for the same API,
    so that the document and the clients generated from it change only when the API does."""
    from app.extensions import api

    return json.dumps(api.spec.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@openapi_cli.command("write")
@click.argument("path", required=False, default=str(OPENAPI_PATH), type=click.Path(dir_okay=False, allow_dash=True))
def openapi_write(path: str) -> None:
    """Write the OpenAPI document to PATH (default: openapi.json at the repository root; - for stdout)."""
    text = render_openapi()
    if path == "-":
        sys.stdout.write(text)
        return
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)
    click.echo(f"wrote {path}", err=True)


@openapi_cli.command("check")
@click.argument("path", required=False, default=str(OPENAPI_PATH), type=click.Path(dir_okay=False))
def openapi_check(path: str) -> None:
    """Fail unless PATH (default: the committed openapi.json) is the document the app serves."""
    try:
        with open(path, encoding="utf-8") as committed:
            current = committed.read() == render_openapi()
    except FileNotFoundError:
        current = False
    if not current:
        raise click.ClickException(
            f"{path} is not the API's current OpenAPI document: run `{REGENERATE_CLIENTS}` and commit openapi.json and clients/."
        )
    click.echo(f"{path} is up to date", err=True)


def register_commands(app: Flask) -> None:
    from app.email.cli import email_cli
    from app.keys.cli import keys_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(keys_cli)
    app.cli.add_command(email_cli)
    app.cli.add_command(flags_cli)
    # In place of flask-smorest's own `openapi` group: a deterministic `write`, and `check`.
    app.cli.add_command(openapi_cli)
