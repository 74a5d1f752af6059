"""Sessions remember when the user last proved who they are (fresh sessions).

Revision ID: 0004_session_authenticated_at
Revises: 0003_sign_in_assurance
Create Date: 2026-11-27

Hand-written. Existing sessions take their creation time (their sign-in), so
that none of them becomes fresh by being migrated.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_session_authenticated_at"
down_revision = "0003_sign_in_assurance"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("authenticated_at", sa.DateTime(timezone=True), nullable=True, server_default=sa.func.now()))
    op.execute("UPDATE sessions SET authenticated_at = created_at")
    with op.batch_alter_table("sessions") as batch:
        batch.alter_column("authenticated_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("authenticated_at")
