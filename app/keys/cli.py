"""`flask --app wsgi keys rotate|retire KID|list`: the signing keys of EdDSA / ES256 tokens."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.context import RequestContext

keys_cli = AppGroup("keys", help="Signing keys of access tokens (JWT_ALGORITHM EdDSA or ES256).")


def _call(function, *args, **kwargs):
    from app.errors import AppError

    try:
        return function(*args, **kwargs)
    except AppError as exc:
        raise click.ClickException(f"{exc.error.code}: {exc.message}") from None


def _when(value) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else "-"


@keys_cli.command("rotate")
@click.option(
    "--algorithm",
    type=click.Choice(["EdDSA", "ES256"]),
    help="Make a key of this algorithm (default: JWT_ALGORITHM), e.g. ahead of switching to it.",
)
def keys_rotate(algorithm: str | None) -> None:
    """Make a new signing key: it signs every new token on every instance within seconds;
    older keys keep verifying their tokens until they expire or are retired."""
    from app.keys import service

    info = _call(service.rotate_key, RequestContext(), algorithm)
    click.echo(f"new {info.algorithm} signing key {info.kid} ({info.status})")


@keys_cli.command("retire")
@click.argument("kid")
def keys_retire(kid: str) -> None:
    """Retire key KID: tokens it signed are refused at once and it leaves the JWK Set."""
    from app.keys import service

    info = _call(service.retire_key, kid, RequestContext())
    click.echo(f"retired {info.algorithm} key {info.kid} at {_when(info.retired_at)}")


@keys_cli.command("list")
def keys_list() -> None:
    """Every key: kid, algorithm, status (signing, verifying, retired, inactive), dates."""
    from app.keys import service

    for info in service.list_keys():
        safe = service.safe_to_retire_at(info) if info.status == "verifying" else None
        click.echo(
            f"{info.kid}  {info.algorithm:<5}  {info.status:<9}  created {_when(info.created_at)}"
            + (f"  retired {_when(info.retired_at)}" if info.retired_at else "")
            + (f"  its tokens all expired by {_when(safe)}" if safe else "")
        )
