"""The committed OpenAPI document (openapi.json) and the clients generated from
it (clients/) stay what the code says: a route added or changed without
`make clients` fails here, with the command to run in the message.

Also: every operation has a stable, unique camelCase operationId (the generated
clients' method names) and one declared tag (their modules).
"""

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from app.cli import REGENERATE_CLIENTS
from tests.helpers import ROOT, TEST_DATABASE_URL, TEST_REDIS_URL
from tests.private_services import service_env

DOCUMENT = ROOT / "openapi.json"
PYTHON_CLIENT = ROOT / "clients" / "python"
TYPESCRIPT_CLIENT = ROOT / "clients" / "typescript"
OUT_OF_DATE = f"run `{REGENERATE_CLIENTS}` at the repository root and commit openapi.json and clients/"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# What clients call each operation (gatehouse_client.api.<tag>.<snake_case id>,
# the `operations` of the TypeScript types). Renaming one breaks every client
# using it: add new operations here, never change an entry.
STABLE_OPERATION_IDS = {
    ("post", "/api/v1/auth/register"): "register",
    ("post", "/api/v1/auth/verify-email"): "verifyEmail",
    ("post", "/api/v1/auth/resend-verification"): "resendVerification",
    ("post", "/api/v1/auth/login"): "login",
    ("post", "/api/v1/auth/refresh"): "refresh",
    ("post", "/api/v1/auth/logout"): "logout",
    ("post", "/api/v1/auth/logout-all"): "logoutAll",
    ("get", "/api/v1/auth/sessions"): "listSessions",
    ("delete", "/api/v1/auth/sessions/{session_id}"): "revokeSession",
    ("post", "/api/v1/auth/forgot-password"): "forgotPassword",
    ("post", "/api/v1/auth/reset-password"): "resetPassword",
    ("post", "/api/v1/auth/change-password"): "changePassword",
    ("post", "/api/v1/auth/reauthenticate"): "reauthenticate",
    ("get", "/api/v1/users/me"): "getMe",
    ("patch", "/api/v1/users/me"): "updateMe",
    ("delete", "/api/v1/users/me"): "deleteMe",
    ("get", "/api/v1/users/me/profile"): "getMyProfile",
    ("put", "/api/v1/users/me/profile"): "replaceMyProfile",
    ("get", "/api/v1/users/"): "listUsers",
    ("get", "/api/v1/users/{user_id}"): "getUser",
    ("patch", "/api/v1/users/{user_id}"): "updateUser",
    ("delete", "/api/v1/users/{user_id}"): "deleteUser",
    ("get", "/api/v1/admin/audit"): "listAuditEvents",
    ("get", "/api/v1/flags"): "getMyFlags",
    ("get", "/api/v1/admin/flags"): "listFlags",
    ("get", "/api/v1/admin/flags/{name}"): "getFlag",
    ("put", "/api/v1/admin/flags/{name}"): "setFlag",
    ("delete", "/api/v1/admin/flags/{name}"): "unsetFlag",
    ("get", "/health"): "getHealth",
    ("get", "/ready"): "getReadiness",
    ("get", "/metrics"): "getMetrics",
    ("get", "/api/v1/auth/mfa"): "getMfaStatus",
    ("post", "/api/v1/auth/mfa/totp/setup"): "beginTotpSetup",
    ("post", "/api/v1/auth/mfa/totp/confirm"): "confirmTotp",
    ("delete", "/api/v1/auth/mfa/totp"): "disableTotp",
    ("post", "/api/v1/auth/mfa/recovery-codes"): "regenerateRecoveryCodes",
    ("post", "/api/v1/auth/login/mfa"): "loginMfa",
    ("delete", "/api/v1/users/{user_id}/mfa"): "resetUserMfa",
}
CAMEL_CASE = re.compile(r"[a-z]+(?:[A-Z][a-z0-9]*)*")


def committed() -> dict:
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


def operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def flask_env() -> dict:
    return {k: v for k, v in service_env(TEST_DATABASE_URL, TEST_REDIS_URL).items() if not k.startswith(("FLASK_", "OTEL_"))}


# ------------------------------------------------------------- the document


def test_committed_document_is_the_one_the_app_serves(tmp_path):
    """`flask openapi write` in a fresh process (no test-only routes) writes the
    committed file byte for byte: sorted keys, two-space indent, trailing newline."""
    written = tmp_path / "openapi.json"
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "openapi", "write", str(written)],
        cwd=ROOT,
        env=flask_env(),
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert DOCUMENT.exists(), f"openapi.json is missing: {OUT_OF_DATE}"
    text = written.read_text(encoding="utf-8")
    assert text == DOCUMENT.read_text(encoding="utf-8"), f"openapi.json is not the API's current document: {OUT_OF_DATE}"
    assert text.endswith("}\n") and json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n" == text


def test_openapi_check_fails_on_a_stale_document_and_names_the_command(tmp_path):
    stale = tmp_path / "openapi.json"
    stale.write_text(DOCUMENT.read_text(encoding="utf-8").replace('"login"', '"signIn"'), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "openapi", "check", str(stale)],
        cwd=ROOT,
        env=flask_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert f"run `{REGENERATE_CLIENTS}`" in run.stderr


def test_every_operation_has_a_unique_camel_case_operation_id():
    ids = {}
    for method, path, operation in operations(committed()):
        operation_id = operation.get("operationId")
        assert operation_id, f"{method.upper()} {path} has no operationId"
        assert CAMEL_CASE.fullmatch(operation_id), f"{method.upper()} {path}: operationId {operation_id!r} is not camelCase"
        assert operation_id not in ids, f"operationId {operation_id!r} is used by {ids[operation_id]} and {method.upper()} {path}"
        ids[operation_id] = f"{method.upper()} {path}"


def test_operation_ids_clients_use_do_not_change():
    found = {(method, path): operation.get("operationId") for method, path, operation in operations(committed())}
    assert {key: found.get(key) for key in STABLE_OPERATION_IDS} == STABLE_OPERATION_IDS


def test_each_operation_has_one_declared_tag():
    """Tags are the clients' modules (gatehouse_client.api.auth, .users, ...) and Swagger UI's groups."""
    spec = committed()
    declared = {tag["name"]: tag.get("description") for tag in spec["tags"]}
    used = set()
    for method, path, operation in operations(spec):
        assert len(operation.get("tags", [])) == 1, f"{method.upper()} {path} has tags {operation.get('tags')}"
        [tag] = operation["tags"]
        assert declared.get(tag), f"{method.upper()} {path}: tag {tag!r} is not declared with a description"
        used.add(tag)
    assert used == set(declared)
    by_tag = {}
    for method, path, operation in operations(spec):
        by_tag.setdefault(operation["tags"][0], set()).add(operation["operationId"])
    assert {"register", "login", "refresh", "logout", "listSessions"} <= by_tag["auth"]
    assert {"getMe", "updateMe", "getMyProfile", "listUsers"} <= by_tag["users"]
    assert {"getHealth", "getReadiness"} <= by_tag["health"]


# ---------------------------------------------------------------- the clients


def same_tree(left, right) -> list[str]:
    """Files that differ between two directories (missing on either side included)."""
    ignore = ["__pycache__", ".ruff_cache"]
    differences = []

    def walk(comparison, prefix=""):
        differences.extend(prefix + name for name in comparison.left_only + comparison.right_only + comparison.diff_files)
        differences.extend(prefix + name for name in comparison.funny_files)
        for name, sub in comparison.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    # (Files of equal size and mtime would be taken as equal: never the case for a fresh copy.)
    walk(filecmp.dircmp(left, right, ignore=ignore))
    return sorted(differences)


def test_python_client_is_generated_from_the_committed_document(tmp_path):
    # The post-hooks format with ruff, which reads the settings of the nearest
    # pyproject.toml: clients/python's, next to the output as in the repository.
    shutil.copy(PYTHON_CLIENT / "pyproject.toml", tmp_path / "pyproject.toml")
    output = tmp_path / "gatehouse_client"
    bin_dir = os.path.dirname(sys.executable)
    assert os.path.exists(os.path.join(bin_dir, "openapi-python-client")), (
        "openapi-python-client is missing: `.venv/bin/pip install -r requirements-dev.txt`"
    )
    run = subprocess.run(
        [
            os.path.join(bin_dir, "openapi-python-client"),
            "generate",
            "--path",
            str(DOCUMENT),
            "--config",
            str(PYTHON_CLIENT / "openapi-python-client.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(output),
        ],
        cwd=tmp_path,
        env={**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    differences = same_tree(output, PYTHON_CLIENT / "gatehouse_client")
    assert not differences, f"clients/python/gatehouse_client is not generated from openapi.json ({differences[:5]}): {OUT_OF_DATE}"


def typescript_tools() -> None:
    if not (TYPESCRIPT_CLIENT / "node_modules" / ".bin" / "openapi-typescript").exists():
        if os.environ.get("CI"):
            raise AssertionError("CI runs `npm ci` in clients/typescript first (see .ci/run)")
        pytest.skip("needs `npm ci` in clients/typescript (make clients does it)")


def test_typescript_types_are_generated_from_the_committed_document(tmp_path):
    typescript_tools()
    output = tmp_path / "schema.ts"
    subprocess.run(
        [str(TYPESCRIPT_CLIENT / "node_modules" / ".bin" / "openapi-typescript"), str(DOCUMENT), "--output", str(output)],
        cwd=TYPESCRIPT_CLIENT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert output.read_text() == (TYPESCRIPT_CLIENT / "src" / "schema.ts").read_text(), (
        f"clients/typescript/src/schema.ts is not generated from openapi.json: {OUT_OF_DATE}"
    )


def test_make_clients_regenerates_the_document_and_both_clients():
    """The one command the failure messages name exists and runs the three generators."""
    makefile = (ROOT / "Makefile").read_text()
    target = makefile.split("\nclients:", 1)[1].split("\n\n", 1)[0]
    assert "openapi write" in target and "openapi-python-client generate" in target and "npm run" in target


@pytest.mark.parametrize("readme", ["README.md", "clients/python/README.md", "clients/typescript/README.md"])
def test_readme_examples_are_the_ones_the_tests_run(readme):
    """The README's examples are the files tests/test_clients_e2e.py runs against a live service."""
    text = (ROOT / readme).read_text()
    blocks = re.findall(r"```(python|ts)\n(.*?)```", text, flags=re.S)
    examples = {
        "python": [PYTHON_CLIENT / "examples" / "sign_in.py", ROOT / "docs" / "examples" / "verify_token.py"],
        "ts": [TYPESCRIPT_CLIENT / "examples" / "sign-in.ts"],
    }
    assert blocks
    for language, code in blocks:
        assert code in [path.read_text() for path in examples[language]], (
            f"{readme}: the {language} example differs from {', '.join(map(str, examples[language]))}"
        )
