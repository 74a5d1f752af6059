"""What tests share besides fixtures (the fixtures are in tests/conftest.py).

- `environment`: where the tests' PostgreSQL database and Redis DB are (one
  each per xdist worker), the app settings of the tests (`test_config`), the
  secrets processes started by tests carry, `ROOT`, `free_port()`;
- `accounts`: `unique_email()`, `DEFAULT_PASSWORD` (the password of `make_user`);
- `probe`: a test-only blueprint that exercises the error machinery.

Import from the package: `from tests.helpers import ROOT, unique_email`.
Other shared steps live beside the tests for now: tests/auth_client.py
(HTTP sign-up and sign-in), mailbox.py (SMTP sink), outbox_steps.py,
recovery_steps.py, live_server.py, private_services.py, webhook_receiver.py.
"""

from tests.helpers.accounts import DEFAULT_PASSWORD, unique_email
from tests.helpers.environment import (
    ROOT,
    TEST_DATABASE_URL,
    TEST_ENCRYPTION_KEY,
    TEST_REDIS_URL,
    TEST_SECRET,
    ensure_database,
    free_port,
    test_config,
)

__all__ = [
    "DEFAULT_PASSWORD",
    "ROOT",
    "TEST_DATABASE_URL",
    "TEST_ENCRYPTION_KEY",
    "TEST_REDIS_URL",
    "TEST_SECRET",
    "ensure_database",
    "free_port",
    "test_config",
    "unique_email",
]
