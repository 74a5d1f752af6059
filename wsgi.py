"""WSGI entry point: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`, `flask --app wsgi ...`."""

import sys

from app import create_app
from config import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    # One clear line naming the variable, then stop (exit code 4 also tells
    # gunicorn's arbiter not to respawn workers that cannot boot).
    sys.stderr.write(f"gatehouse: configuration error: {exc}\n")
    sys.exit(4)
