"""An index on mfa_challenges.expires_at: each new challenge clears every
account's challenges expired a while ago (app.mfa.challenge.issue), as
webauthn_challenges and oidc_requests are cleared by theirs.

Revision ID: 0010_mfa_challenges_expires_at
Revises: 0009_oidc_identities
Create Date: 2026-12-03

Hand-written.
"""

from alembic import op

revision = "0010_mfa_challenges_expires_at"
down_revision = "0009_oidc_identities"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("idx_mfa_challenges_expires_at", "mfa_challenges", ["expires_at"])


def downgrade():
    op.drop_index("idx_mfa_challenges_expires_at", table_name="mfa_challenges")
