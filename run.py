#!/usr/bin/env python3
"""The two commands of the README, needing nothing but Python 3.11:

    python3.11 run.py serve   # venv + install + migrate + serve on :5000 (embedded default)
    python3.11 run.py test    # venv + install (with dev tools) + the whole test suite

The virtual environment lives in `.venv` and is reinstalled only when a
requirements file changes. Extra arguments after `test` go to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def ensure_venv(requirements: str) -> None:
    if sys.version_info[:2] < (3, 11):
        sys.exit("Gatehouse needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print(f"creating {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    stamp = VENV / f".installed-{requirements}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"installing {requirements}", flush=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "-r", str(ROOT / requirements)], check=True)
    stamp.write_text(digest)


def serve(args: list[str]) -> int:
    ensure_venv("requirements.txt")
    env = dict(os.environ)
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True)
    embedded = not env.get("REDIS_URL")
    command = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "--bind", env.get("BIND", "0.0.0.0:5000")]
    if embedded:
        # The in-process Redis stand-in lives in one process: one worker, some threads.
        command += ["--workers", "1", "--threads", "4"]
    return subprocess.call(command + args + ["wsgi:app"], cwd=ROOT, env=env)


def test(args: list[str]) -> int:
    ensure_venv("requirements-dev.txt")
    return subprocess.call([str(PYTHON), "-m", "pytest", *args], cwd=ROOT)


def main() -> int:
    commands = {"serve": serve, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
