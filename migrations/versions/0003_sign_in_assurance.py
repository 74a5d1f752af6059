"""Sign-in assurance: each session's assurance level and methods, and the
devices and networks each account has signed in from.

Revision ID: 0003_sign_in_assurance
Revises: 0002_outbox_delivery
Create Date: 2026-12-02

Hand-written. Sessions that exist already were password sign-ins: aal 1,
amr "pwd" (the server defaults). See docs/mfa.md.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_sign_in_assurance"
down_revision = "0002_outbox_delivery"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("aal", sa.SmallInteger(), server_default=sa.text("1"), nullable=False))
        batch.add_column(sa.Column("amr", sa.String(64), server_default="pwd", nullable=False))

    op.create_table(
        "sign_in_contexts",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("device", sa.String(128), nullable=False),
        sa.Column("network", sa.String(64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("uq_sign_in_contexts_user_device_network", "sign_in_contexts", ["user_id", "device", "network"], unique=True)


def downgrade():
    op.drop_index("uq_sign_in_contexts_user_device_network", table_name="sign_in_contexts")
    op.drop_table("sign_in_contexts")
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("amr")
        batch.drop_column("aal")
