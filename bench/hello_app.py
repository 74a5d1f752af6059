"""The ceiling of the stack: a minimal Flask app returning a small JSON document.

Served by gunicorn under the same `deploy/gunicorn.conf.py` settings as the
service (`gunicorn -c deploy/gunicorn.conf.py bench.hello_app:app`), it measures
what Flask + gunicorn + the machine can do with no application work at all.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/hello")
def hello():
    return {"status": "success", "data": {"hello": "world"}, "message": "ok"}
