"""Accounts keep the Accept-Language of their registration (the language of
their emails and pages until their profile's preferences.locale says otherwise).

Revision ID: 0008_users_accept_language
Revises: 0007_mfa
Create Date: 2026-12-03

Hand-written. Existing accounts have none (English, or their preferences.locale).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_users_accept_language"
down_revision = "0007_mfa"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("accept_language", sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("accept_language")
