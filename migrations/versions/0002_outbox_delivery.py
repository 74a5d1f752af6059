"""Outbox delivery state: start-by deadline, retry time, attempt lease, Message-ID, scrub time.

Revision ID: 0002_outbox_delivery
Revises: 0001_initial
Create Date: 2026-11-26

Hand-written. Plain nullable columns, so that the same operations run on
PostgreSQL and SQLite (dropping columns goes through batch mode for SQLite).
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_outbox_delivery"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

COLUMNS = ("message_id", "expires_at", "next_attempt_at", "locked_until", "scrub_after")


def upgrade():
    with op.batch_alter_table("outbox_messages") as batch:
        # The Message-ID header, fixed at the first attempt so that every retry carries the same one.
        batch.add_column(sa.Column("message_id", sa.String(255), nullable=True))
        # Not started by then -> expired into the dead-letter queue (1 h for email, 30 min for webhooks).
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        # When a retry after a transient failure is due.
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        # Lease of the attempt in progress: past it, the attempt is presumed dead and the row is retried.
        batch.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        # When the secrets in the payload (emailed link) stop being useful and are removed.
        batch.add_column(sa.Column("scrub_after", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_messages") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
