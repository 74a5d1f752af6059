"""Signing keys for EdDSA / ES256 access tokens.

Revision ID: 0005_signing_keys
Revises: 0004_session_authenticated_at
Create Date: 2026-12-03

Hand-written. The private key column holds ciphertext only (ENCRYPTION_KEYS).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005_signing_keys"
down_revision = "0004_session_authenticated_at"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("public_jwk", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
        sa.Column("private_key_encrypted", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kid"),
    )
    op.create_index("idx_signing_keys_algorithm_created", "signing_keys", ["algorithm", "created_at"])


def downgrade():
    op.drop_index("idx_signing_keys_algorithm_created", table_name="signing_keys")
    op.drop_table("signing_keys")
