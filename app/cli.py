"""Operator commands: `flask --app wsgi users ...` (and the groups other modules add)."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

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


def register_commands(app: Flask) -> None:
    from app.email.cli import email_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(email_cli)
