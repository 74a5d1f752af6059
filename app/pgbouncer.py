"""What PgBouncer's transaction pooling needs from the app (DATABASE_POOLER=pgbouncer).

Between two transactions PgBouncer may hand a client's next transaction to
another server connection, so session state does not survive: prepared
statements (off: config.py sets psycopg's prepare_threshold to None), `SET`
outside a transaction, advisory locks held across transactions, LISTEN. The
app uses none of these except the statement timeout, which it otherwise sets
once per connection (a startup option PgBouncer refuses): here it is set at
the start of every transaction instead, with `SET LOCAL` (gone at its end).
See docs/scaling.md.
"""

from __future__ import annotations

from sqlalchemy import event


def install(engine, statement_timeout_ms: int) -> None:
    """Bound every transaction of `engine` by `statement_timeout_ms` (0: none)."""
    if statement_timeout_ms <= 0:
        return
    statement = f"SET LOCAL statement_timeout = {int(statement_timeout_ms)}"

    @event.listens_for(engine, "begin")
    def _bounded(conn):
        conn.exec_driver_sql(statement)
