"""`flask --app wsgi email ...`: the dead-letter queues and the sweeper.

email dlq list [--queue NAME] [--limit N]
email dlq requeue ID... | --all [--queue NAME]
email dlq purge [ID...] [--queue NAME] [--yes]
email sweep
"""

from __future__ import annotations

import uuid

import click
from flask.cli import AppGroup

email_cli = AppGroup("email", help="Email and webhook delivery: dead-letter queues, the outbox sweeper.")
QUEUE_OPTION = click.option("--queue", default=None, metavar="NAME", help="email_dead_letter_queue or notification_dlq (default: both).")


@email_cli.group("dlq")
def dlq_cli() -> None:
    """The dead-letter queues (email_dead_letter_queue, notification_dlq)."""


def _ids(values) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(v) for v in values]
    except ValueError:
        raise click.BadParameter("IDs are outbox message UUIDs (see `email dlq list`)") from None


def _kinds_checked(queue):
    from app.email import dlq

    try:
        dlq.kinds_of(queue)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--queue") from None


@dlq_cli.command("list")
@QUEUE_OPTION
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10000))
def dlq_list(queue, limit) -> None:
    """Dead messages, oldest first: id, queue, attempts, died at, what, reason."""
    from app.email import delivery, dlq
    from app.models import OutboxMessage

    _kinds_checked(queue)
    counts = dlq.count_dead()
    click.echo("  ".join(f"{name}: {number}" for name, number in counts.items()))
    for message in dlq.list_dead(queue, limit):
        payload = message.payload or {}
        if message.kind == OutboxMessage.KIND_EMAIL:
            what = f"{payload.get('template')} to {payload.get('to')}"
        else:
            what = f"event {(payload.get('event') or {}).get('type')}"
        click.echo(
            "\t".join(
                [
                    str(message.id),
                    delivery.queue_names(message.kind)[1],
                    f"attempts={message.attempts}",
                    message.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    what,
                    message.last_error or "",
                ]
            )
        )


@dlq_cli.command("requeue")
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Requeue every dead message (of --queue).")
@QUEUE_OPTION
def dlq_requeue(ids, all_, queue) -> None:
    """Send dead messages again: the given IDs, or --all."""
    from app.email import dlq

    if bool(ids) == all_:
        raise click.UsageError("give message IDs or --all (not both)")
    _kinds_checked(queue)
    result = dlq.requeue(None if all_ else _ids(ids), queue)
    for message_id in result.requeued:
        click.echo(f"requeued {message_id}")
    for message_id, why in result.skipped:
        click.echo(f"skipped {message_id}: {why}", err=True)
    click.echo(f"{len(result.requeued)} requeued, {len(result.skipped)} skipped")
    if result.skipped and not result.requeued:
        raise SystemExit(1)


@dlq_cli.command("purge")
@click.argument("ids", nargs=-1)
@QUEUE_OPTION
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def dlq_purge(ids, queue, yes) -> None:
    """Delete dead messages for good: the given IDs, or all (of --queue)."""
    from app.email import dlq

    _kinds_checked(queue)
    target = f"{len(ids)} message(s)" if ids else f"every dead message in {queue or 'both dead-letter queues'}"
    if not yes:
        click.confirm(f"Delete {target}?", abort=True)
    click.echo(f"{dlq.purge(_ids(ids) if ids else None, queue)} purged")


@email_cli.command("sweep")
def sweep_command() -> None:
    """Run one outbox sweep now (python worker.py does it every OUTBOX_SWEEP_INTERVAL_SECONDS)."""
    from app.email.sweeper import sweep

    result = sweep()
    click.echo(
        f"{result.expired} expired, {result.recovered} recovered, {result.enqueued} enqueued, "
        f"{result.scrubbed} scrubbed" + (" (Redis unreachable)" if result.unreachable else "")
    )
