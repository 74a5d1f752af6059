"""Two-factor sign-in: TOTP authenticators, recovery codes, pending second steps.

Revision ID: 0007_mfa
Revises: 0006_passkeys
Create Date: 2026-12-03

Hand-written. See docs/mfa.md: the TOTP secret is stored encrypted with
ENCRYPTION_KEYS, recovery codes and mfa_tokens only as SHA-256 hashes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_mfa"
down_revision = "0006_passkeys"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mfa_totp",
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_step", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "mfa_recovery_codes",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("idx_mfa_recovery_codes_user", "mfa_recovery_codes", ["user_id"])
    op.create_table(
        "mfa_challenges",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("amr", sa.String(64), nullable=False),
        sa.Column("password_digest", sa.String(64), nullable=True),
        sa.Column("failed_attempts", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("idx_mfa_challenges_user", "mfa_challenges", ["user_id"])


def downgrade():
    op.drop_index("idx_mfa_challenges_user", table_name="mfa_challenges")
    op.drop_table("mfa_challenges")
    op.drop_index("idx_mfa_recovery_codes_user", table_name="mfa_recovery_codes")
    op.drop_table("mfa_recovery_codes")
    op.drop_table("mfa_totp")
