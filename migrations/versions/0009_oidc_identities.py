"""Sign-in with OpenID Connect providers (docs/oidc.md): linked identities,
the one-time records of a browser round trip, and accounts without a password.

Revision ID: 0009_oidc_identities
Revises: 0008_users_accept_language
Create Date: 2026-12-03

Hand-written.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0009_oidc_identities"
down_revision = "0008_users_accept_language"
branch_labels = None
depends_on = None


def upgrade():
    # An account created through a provider has no password until it sets one.
    with op.batch_alter_table("users") as batch:
        batch.alter_column("password_hash", existing_type=sa.String(255), nullable=True)

    op.create_table(
        "oidc_identities",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("email", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("uq_oidc_identities_provider_subject", "oidc_identities", ["provider", "subject"], unique=True)
    op.create_index("idx_oidc_identities_user", "oidc_identities", ["user_id"])

    op.create_table(
        "oidc_requests",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("uq_oidc_requests_token_hash", "oidc_requests", ["token_hash"], unique=True)
    op.create_index("idx_oidc_requests_expires_at", "oidc_requests", ["expires_at"])


def downgrade():
    op.drop_index("idx_oidc_requests_expires_at", table_name="oidc_requests")
    op.drop_index("uq_oidc_requests_token_hash", table_name="oidc_requests")
    op.drop_table("oidc_requests")
    op.drop_index("idx_oidc_identities_user", table_name="oidc_identities")
    op.drop_index("uq_oidc_identities_provider_subject", table_name="oidc_identities")
    op.drop_table("oidc_identities")
    # Accounts without a password cannot survive the downgrade as they are: give them
    # a value no password verifies (they recover through forgot-password).
    op.execute("UPDATE users SET password_hash = '!' WHERE password_hash IS NULL")
    with op.batch_alter_table("users") as batch:
        batch.alter_column("password_hash", existing_type=sa.String(255), nullable=False)
