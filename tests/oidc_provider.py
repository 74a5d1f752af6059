"""A small but real OpenID Connect provider for the tests: the outside world
that Gatehouse's OIDC client talks to over HTTP (docs/oidc.md).

Run as its own process (`python -m tests.oidc_provider CLIENT_ID SECRET`); it
binds a free loopback port and prints `PORT <n>` once it serves. It has its
own signing keys (RSA, or EC on request) and serves discovery, JWKS,
authorize (authorization code + PKCE S256 only) and token (client_secret_basic
or client_secret_post). The "user" logging in at the provider is chosen by
the browser with query parameters on the authorize URL (`sub`, `email`,
`email_verified`, `name`; `deny=1` refuses).

Control endpoints let a test make it misbehave the way real providers and
attackers do: `POST /_control/mode` with any of
    {"nonce": "wrong", "aud": "x", "extra_aud": "x", "azp": "x", "iss": "x",
     "exp_offset": -3600, "iat_offset": 3600, "alg": "none"|"HS256",
     "sign_with_unpublished_key": true, "token_status": 500, "no_id_token": true}
(kept until `POST /_control/reset`), `POST /_control/rotate` {"kty": "RSA"|"EC",
"keep_old": bool} to make a new signing key, `GET /_control/requests` for the
token requests it received.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import sys
import threading
import time
from urllib.parse import urlencode

from authlib.jose import JsonWebKey, jwt
from flask import Flask, jsonify, redirect, request
from werkzeug.serving import make_server


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _new_key(kty: str = "RSA"):
    options = {"kid": secrets.token_hex(8)}
    if kty == "EC":
        return JsonWebKey.generate_key("EC", "P-256", options, is_private=True), "ES256"
    return JsonWebKey.generate_key("RSA", 2048, options, is_private=True), "RS256"


def create_provider(client_id: str, client_secret: str) -> Flask:
    app = Flask("oidc_provider")
    lock = threading.Lock()
    state = {"keys": [_new_key()], "codes": {}, "mode": {}, "requests": [], "issuer": None}

    def issuer() -> str:
        return state["issuer"] or request.host_url.rstrip("/")

    @app.get("/.well-known/openid-configuration")
    def discovery():
        base = issuer()
        return jsonify(
            {
                "issuer": base,
                "authorization_endpoint": base + "/authorize",
                "token_endpoint": base + "/token",
                "jwks_uri": base + "/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256", "ES256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            }
        )

    @app.get("/jwks")
    def jwks():
        with lock:
            keys = [key.as_dict(is_private=False) | {"alg": alg, "use": "sig"} for key, alg in state["keys"]]
        return jsonify({"keys": keys})

    @app.get("/authorize")
    def authorize():
        args = request.args
        problems = []
        if args.get("response_type") != "code":
            problems.append("response_type")
        if args.get("client_id") != client_id:
            problems.append("client_id")
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            problems.append("pkce")
        if not args.get("nonce") or not args.get("state") or not args.get("redirect_uri"):
            problems.append("nonce/state/redirect_uri")
        if "openid" not in args.get("scope", "").split():
            problems.append("scope")
        if problems:
            return jsonify({"error": "invalid_request", "problems": problems}), 400
        if args.get("deny"):
            return redirect(args["redirect_uri"] + "?" + urlencode({"error": "access_denied", "state": args["state"]}))
        code = secrets.token_urlsafe(24)
        user = {"sub": args.get("sub", "alice-sub")}
        if args.get("email"):
            user["email"] = args["email"]
        if args.get("email_verified") is not None:
            user["email_verified"] = args["email_verified"] == "true"
        if args.get("name"):
            user["name"] = args["name"]
        with lock:
            state["codes"][code] = {
                "redirect_uri": args["redirect_uri"],
                "nonce": args["nonce"],
                "challenge": args["code_challenge"],
                "user": user,
                "used": False,
            }
        return redirect(args["redirect_uri"] + "?" + urlencode({"code": code, "state": args["state"]}))

    def _client_ok() -> bool:
        auth = request.authorization
        if auth is not None:
            return auth.username == client_id and auth.password == client_secret
        return request.form.get("client_id") == client_id and request.form.get("client_secret") == client_secret

    @app.post("/token")
    def token():
        form = request.form
        with lock:
            state["requests"].append({"form": dict(form), "basic_auth": request.authorization is not None})
            mode = dict(state["mode"])
            grant = state["codes"].get(form.get("code", ""))
        if mode.get("token_status"):
            return jsonify({"error": "server_error"}), mode["token_status"]
        if not _client_ok():
            return jsonify({"error": "invalid_client"}), 401
        if form.get("grant_type") != "authorization_code" or grant is None or grant["used"]:
            return jsonify({"error": "invalid_grant"}), 400
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return jsonify({"error": "invalid_grant", "error_description": "redirect_uri"}), 400
        verifier = form.get("code_verifier", "")
        if _b64(hashlib.sha256(verifier.encode()).digest()) != grant["challenge"]:
            return jsonify({"error": "invalid_grant", "error_description": "pkce"}), 400
        grant["used"] = True
        answer = {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 3600}
        if not mode.get("no_id_token"):
            answer["id_token"] = _id_token(grant, mode)
        return jsonify(answer)

    def _id_token(grant: dict, mode: dict) -> str:
        now = int(time.time())
        claims = {
            "iss": mode.get("iss", issuer()),
            "aud": mode.get("aud", client_id),
            "exp": now + 300 + mode.get("exp_offset", 0),
            "iat": now + mode.get("iat_offset", 0),
            "nonce": "not-the-nonce-you-sent" if mode.get("nonce") == "wrong" else grant["nonce"],
            **grant["user"],
        }
        if mode.get("extra_aud"):
            claims["aud"] = [claims["aud"], mode["extra_aud"]]
        if mode.get("azp"):
            claims["azp"] = mode["azp"]
        alg_mode = mode.get("alg")
        if alg_mode == "none":
            header = {"alg": "none", "typ": "JWT"}
            return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}."
        if alg_mode == "HS256":
            return jwt.encode({"alg": "HS256"}, claims, client_secret.encode()).decode()
        with lock:
            key, alg = state["keys"][-1]
        if mode.get("sign_with_unpublished_key"):
            key, alg = _new_key()
        return jwt.encode({"alg": alg, "kid": key.kid}, claims, key).decode()

    @app.post("/_control/mode")
    def set_mode():
        with lock:
            state["mode"].update(request.get_json())
        return jsonify(state["mode"])

    @app.post("/_control/reset")
    def reset():
        with lock:
            state.update(keys=[_new_key()], codes={}, mode={}, requests=[], issuer=None)
        return jsonify({})

    @app.post("/_control/rotate")
    def rotate():
        body = request.get_json(silent=True) or {}
        with lock:
            new = _new_key(body.get("kty", "RSA"))
            state["keys"] = (state["keys"] if body.get("keep_old") else []) + [new]
        return jsonify({"kid": new[0].kid})

    @app.post("/_control/issuer")
    def set_issuer():
        with lock:
            state["issuer"] = request.get_json()["issuer"]
        return jsonify({})

    @app.get("/_control/requests")
    def token_requests():
        with lock:
            return jsonify(state["requests"])

    return app


def main() -> None:
    client_id, client_secret = sys.argv[1], sys.argv[2]
    server = make_server("127.0.0.1", 0, create_provider(client_id, client_secret), threaded=True)
    print(f"PORT {server.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
