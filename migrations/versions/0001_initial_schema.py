"""Initial schema: users, sessions, refresh and emailed tokens, profiles, outbox, audit.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-26

Hand-edited after autogenerate: plain DateTime(timezone=True) instead of the
app's type decorator (migrations must not import the app), gen_random_uuid()
defaults, and on PostgreSQL the updated_at trigger and trigram
indexes for the admin search.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _ts(name, nullable=True, now=False):
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        nullable=nullable,
        server_default=sa.text("CURRENT_TIMESTAMP") if now else None,
    )


def _id():
    return sa.Column("id", sa.Uuid(), primary_key=True)


def _is_postgres():
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    op.create_table(
        "users",
        _id(),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("full_name", sa.String(255), nullable=False),
        sa.Column("is_verified", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("failed_login_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        _ts("failed_login_window_start"),
        _ts("locked_until"),
        _ts("last_login_at"),
        _ts("created_at", nullable=False, now=True),
        _ts("updated_at", nullable=False, now=True),
        _ts("deleted_at"),
    )
    # Unique among live accounts, case-insensitively (docs/architecture.md §1: the database decides races).
    op.create_index(
        "uq_users_email_live",
        "users",
        [sa.literal_column("lower(email)")],
        unique=True,
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "idx_users_email",
        "users",
        ["email"],
        postgresql_where=sa.text("deleted_at IS NULL"),
        sqlite_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index("idx_users_created_at", "users", ["created_at"])
    op.create_index(
        "idx_users_email_active",
        "users",
        ["email"],
        postgresql_where=sa.text("is_active = TRUE AND deleted_at IS NULL"),
        sqlite_where=sa.text("is_active = 1 AND deleted_at IS NULL"),
    )
    op.create_index("idx_users_created_active", "users", ["created_at", "is_active"])

    op.create_table(
        "sessions",
        _id(),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        _ts("created_at", nullable=False, now=True),
        _ts("last_used_at", nullable=False, now=True),
        _ts("expires_at", nullable=False),
        _ts("revoked_at"),
        sa.Column("revoked_reason", sa.String(32)),
        sa.Column("ip", sa.String(45)),
        sa.Column("user_agent", sa.String(512)),
    )
    op.create_index(
        "idx_sessions_user_live",
        "sessions",
        ["user_id"],
        postgresql_where=sa.text("revoked_at IS NULL"),
        sqlite_where=sa.text("revoked_at IS NULL"),
    )
    op.create_index("idx_sessions_expires_at", "sessions", ["expires_at"])

    op.create_table(
        "refresh_tokens",
        _id(),
        sa.Column("session_id", sa.Uuid(), sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        _ts("created_at", nullable=False, now=True),
        _ts("expires_at", nullable=False),
        _ts("used_at"),
    )
    op.create_index("idx_refresh_tokens_session", "refresh_tokens", ["session_id"])

    op.create_table(
        "user_tokens",
        _id(),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("new_email", sa.String(255)),
        _ts("created_at", nullable=False, now=True),
        _ts("expires_at", nullable=False),
        _ts("used_at"),
    )
    op.create_index("idx_user_tokens_user_purpose", "user_tokens", ["user_id", "purpose"])

    op.create_table(
        "user_profiles",
        _id(),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True),
        sa.Column("avatar_url", sa.String(2048)),
        sa.Column("bio", sa.Text()),
        sa.Column("preferences", JSON, nullable=False),
        _ts("created_at", nullable=False, now=True),
        _ts("updated_at", nullable=False, now=True),
    )

    op.create_table(
        "outbox_messages",
        _id(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("status", sa.String(16), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text()),
        _ts("enqueued_at"),
        _ts("sent_at"),
        _ts("created_at", nullable=False, now=True),
        _ts("updated_at", nullable=False, now=True),
    )
    op.create_index("idx_outbox_status_created", "outbox_messages", ["status", "created_at"])

    op.create_table(
        "audit_events",
        _id(),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("ip", sa.String(45)),
        sa.Column("user_agent", sa.String(512)),
        sa.Column("details", JSON, nullable=False),
        _ts("created_at", nullable=False, now=True),
    )
    op.create_index("idx_audit_user_created", "audit_events", ["user_id", "created_at"])
    op.create_index("idx_audit_type_created", "audit_events", ["event_type", "created_at"])
    op.create_index("idx_audit_created", "audit_events", ["created_at"])

    if _is_postgres():
        for table in ("users", "sessions", "refresh_tokens", "user_tokens", "user_profiles", "outbox_messages", "audit_events"):
            op.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT gen_random_uuid()")
        # updated_at follows every UPDATE, raw SQL included.
        op.execute(
            """
            CREATE OR REPLACE FUNCTION update_updated_at_column() RETURNS trigger AS $$
            BEGIN
                NEW.updated_at = NOW();
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        for table in ("users", "user_profiles", "outbox_messages"):
            op.execute(
                f"CREATE TRIGGER update_{table}_updated_at BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION update_updated_at_column()"
            )
        # The admin list searches email and name by substring; trigram indexes
        # keep that fast at 100,000 users.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX idx_users_email_trgm ON users USING gin (lower(email) gin_trgm_ops)")
        op.execute("CREATE INDEX idx_users_full_name_trgm ON users USING gin (lower(full_name) gin_trgm_ops)")


def downgrade():
    if _is_postgres():
        op.execute("DROP INDEX IF EXISTS idx_users_full_name_trgm")
        op.execute("DROP INDEX IF EXISTS idx_users_email_trgm")
        for table in ("users", "user_profiles", "outbox_messages"):
            op.execute(f"DROP TRIGGER IF EXISTS update_{table}_updated_at ON {table}")
        op.execute("DROP FUNCTION IF EXISTS update_updated_at_column()")
    for table in ("audit_events", "outbox_messages", "user_profiles", "user_tokens", "refresh_tokens", "sessions", "users"):
        op.drop_table(table)
