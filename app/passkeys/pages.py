"""The page to try passkeys in a browser (issue 17): a signed-in user adds a
passkey, then signs in with it — the only way to exercise passkeys without a
frontend of one's own.

A `PageBlueprint` (docs/pages.md): the pages' security headers (CSP without
`unsafe-inline`), HTML errors, the one stylesheet. The ceremonies need the
browser's WebAuthn API, so the page is a script (a static file,
app/passkeys/static/passkeys.js) calling the JSON API of /api/v1/auth and
/api/v1/auth/passkeys; without JavaScript it says so. Tokens live in the
script's memory only (no storage, no cookie): a reload signs out.
"""

from __future__ import annotations

from app.pages import PageBlueprint, render_page

bp = PageBlueprint("passkey_pages", __name__, template_folder="templates", static_folder="static", static_url_path="/passkeys/static")


@bp.route("/passkeys", methods=["GET"])
def passkey_demo():
    """Try passkeys: sign in with a password, add a passkey, sign in with it."""
    return render_page("passkeys/demo.html")
