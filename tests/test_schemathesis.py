"""Fuzzing: schemathesis generates requests for every operation of
/api/openapi.json and runs all its checks on every response (no server error,
status code and body as documented, content type, headers, auth enforced, ...).

Every operation is fuzzed with EXAMPLES valid and EXAMPLES invalid inputs
(schemathesis's own pytest plugin is not usable with pytest 9, so the cases
come from its Python API: `operation.as_strategy()`). Requests carry a real token of a signed-in admin (a fresh one for every
example, since some operations end the session or delete the account), so the
authenticated paths are exercised, not only the 401s. Rate limiting is off for
this test: it is tested on its own, and here it would answer most requests with
a 429. Generation is derandomized so that CI is reproducible; set FUZZ_SEED to
explore other inputs, FUZZ_EXAMPLES to change the budget per operation.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.helpers import DEFAULT_PASSWORD, unique_email

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
SEED = os.environ.get("FUZZ_SEED")


@pytest.fixture
def fresh_admin_token(app):
    """`headers(fresh)`: an Authorization header of a signed-in admin."""
    from app.auth.sessions import start_session
    from app.context import RequestContext
    from app.extensions import db
    from app.models import User
    from app.security.access_tokens import issue_access_token
    from app.security.passwords import hash_password

    hashed = None
    current: dict = {}

    def _mint(fresh: bool = True) -> dict:
        """A header for the latest admin; a new admin when `fresh` (the request
        may end the session or delete the account) or after a fresh one was used."""
        nonlocal hashed
        if current and not current.pop("used_by_unsafe", False) and not fresh:
            return current["header"]
        with app.app_context():
            hashed = hashed or hash_password(DEFAULT_PASSWORD)
            user = User(email=unique_email("fuzz"), password_hash=hashed, full_name="Fuzz Admin", is_verified=True, is_admin=True)
            db.session.add(user)
            db.session.flush()
            session, _ = start_session(user, RequestContext())
            db.session.commit()
            token, _ = issue_access_token(user.id, session.id)
        current["header"] = {"Authorization": f"Bearer {token}"}
        current["used_by_unsafe"] = fresh
        return current["header"]

    return _mint


# 400s that docs/api.md prescribes for well-formed requests: a bad, used or expired
# emailed token, a wrong current password, a passkey that does not verify, an unknown or spent
# OIDC `state` or link ticket.
SEMANTIC_400 = {
    "AUTH_VERIFICATION_TOKEN_INVALID_023",
    "AUTH_RESET_TOKEN_INVALID_024",
    "AUTH_PASSWORD_INCORRECT_025",
    "AUTH_PASSKEY_INVALID_039",
    "AUTH_OIDC_STATE_INVALID_058",
}


def _error_code(response) -> str | None:
    try:
        return response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _within_prose_rules(case) -> bool:
    """Rules the document states in prose because JSON Schema cannot express
    them (the size, depth and NUL-free strings of profile `preferences`; a
    time range whose end is not before its start):
    valid inputs must keep them, so the positive cases do."""
    from app.users.schemas import PREFERENCES_MAX_BYTES, PREFERENCES_MAX_DEPTH

    body = case.body if isinstance(case.body, dict) else {}
    preferences = body.get("preferences")
    if isinstance(preferences, dict):
        if any("\x00" in s for s in _strings(preferences)):
            return False
        if _depth(preferences) > PREFERENCES_MAX_DEPTH:
            return False
        if len(json.dumps(preferences, separators=(",", ":"), ensure_ascii=False).encode()) > PREFERENCES_MAX_BYTES:
            return False
    query = case.query if isinstance(case.query, dict) else {}
    if query.get("created_after") and query.get("created_before"):
        # "Must not be earlier than created_after": a rule between two parameters.
        try:
            after = datetime.fromisoformat(str(query["created_after"]).replace("Z", "+00:00"))
            before = datetime.fromisoformat(str(query["created_before"]).replace("Z", "+00:00"))
            if after.tzinfo is None or before.tzinfo is None:
                after, before = after.replace(tzinfo=UTC), before.replace(tzinfo=UTC)
            if before < after:
                return False
        except (ValueError, TypeError):
            return True
    return True


def _fuzz(operation, mode, headers, counter) -> str | None:
    """Run `EXAMPLES` generated cases of one operation; the failure report, or None."""

    strategy = operation.as_strategy(generation_mode=mode)
    if mode is GenerationMode.POSITIVE:
        strategy = strategy.filter(_within_prose_rules)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=SEED is None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )
    @given(case=strategy)
    def run(case):
        counter[0] += 1
        sent = headers(fresh=case.method.upper() != "GET")
        response = case.call(headers=sent)
        excluded = []
        if response.status_code == 400 and _error_code(response) in SEMANTIC_400:
            # Well-formed, but the token or the current password is wrong: the
            # 400 that docs/api.md prescribes, not a schema the document fails to state.
            excluded.append(positive_data_acceptance)
        case.validate_response(response, headers=sent, excluded_checks=excluded)

    if SEED is not None:
        run = seed(int(SEED))(run)
    try:
        run()
    except Unsatisfiable:
        return None  # nothing to make invalid (an operation without parameters or body)
    except Exception as exc:  # a check failed (or the app raised): report it with the reproduction
        return f"{operation.label} [{mode.value}]: {exc}"
    return None


@pytest.mark.slow
def test_every_operation_answers_as_documented(app, fresh_admin_token):
    from app.extensions import limiter

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    # (The suite's own probe blueprint is not part of the API.)
    operations = [result.ok() for result in schema.get_all_operations() if "/_probe/" not in result.ok().path]
    counter = [0]
    failures = []
    timings = []
    limiter.enabled = False
    try:
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                started = time.monotonic()
                failure = _fuzz(operation, mode, fresh_admin_token, counter)
                timings.append((round(time.monotonic() - started, 1), operation.label, mode.value))
                if failure:
                    failures.append(failure)
    finally:
        limiter.enabled = True
    print(f"schemathesis: {counter[0]} requests over {len(operations)} operations; slowest: {sorted(timings)[-5:]}")
    assert not failures, "\n\n".join(failures)
    # A few thousand requests at the default budget (3,243 over 30 operations when
    # last counted); a smaller FUZZ_EXAMPLES asks for fewer on purpose.
    assert counter[0] >= (2500 if EXAMPLES >= 60 else 10 * len(operations)), counter[0]
