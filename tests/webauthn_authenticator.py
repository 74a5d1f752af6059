"""A software WebAuthn authenticator plus the browser's part of a ceremony,
for the tests: the outside world a passkey server talks to, not a stand-in
for any code of ours.

It makes ES256 (P-256) credentials with `cryptography`, answers
navigator.credentials.create() with a "none" attestation (CBOR by `cbor2`)
and navigator.credentials.get() with a signed assertion, and returns both in
the JSON form of `PublicKeyCredential.toJSON()`. Every knob an attacker or a
broken authenticator could turn is a keyword: the origin the "browser"
reports, the RP id hashed into the authenticator data, the user-presence and
user-verification flags, the signature counter, a tampered signature.

    authenticator = SoftAuthenticator()
    answer = authenticator.create(options, origin="http://localhost:5000")
    assertion = authenticator.get(request_options, origin="http://localhost:5000")
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

FLAG_UP = 0x01
FLAG_UV = 0x04
FLAG_BE = 0x08
FLAG_BS = 0x10
FLAG_AT = 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    """One credential the authenticator holds (a discoverable one: it knows its RP and user)."""

    credential_id: bytes
    private_key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0

    def cose_public_key(self) -> bytes:
        numbers = self.private_key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})


@dataclass
class SoftAuthenticator:
    """A platform authenticator in software. `backup_eligible`/`backed_up`
    set the BE/BS flags (a synced passkey); `counter_step` is how much the
    signature counter grows per use (0: an authenticator that keeps none)."""

    backup_eligible: bool = False
    backed_up: bool = False
    counter_step: int = 1
    aaguid: bytes = bytes(16)
    credentials: list[Credential] = field(default_factory=list)

    # --------------------------------------------------- navigator.credentials.create()

    def create(
        self,
        options: dict,
        origin: str,
        *,
        rp_id: str | None = None,
        user_verified: bool = True,
        user_present: bool = True,
        challenge: str | None = None,
        client_type: str = "webauthn.create",
        credential_id: bytes | None = None,
    ) -> dict:
        """Answer PublicKeyCredentialCreationOptions (JSON form) as a browser at
        `origin` would, with a new credential (remembered for `get`)."""
        rp_id = rp_id or options["rp"]["id"]
        credential = Credential(
            credential_id=credential_id or os.urandom(32),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            rp_id=rp_id,
            user_handle=b64url_decode(options["user"]["id"]),
        )
        if any(c.credential_id == credential.credential_id for c in self.credentials):
            raise ValueError("this authenticator already holds that credential id")
        client_data = self._client_data(client_type, challenge or options["challenge"], origin)
        flags = self._flags(user_present, user_verified) | FLAG_AT
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([flags])
            + struct.pack(">I", 0)
            + self.aaguid
            + struct.pack(">H", len(credential.credential_id))
            + credential.credential_id
            + credential.cose_public_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        self.credentials.append(credential)
        return {
            "id": b64url(credential.credential_id),
            "rawId": b64url(credential.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal", "hybrid"],
            },
        }

    # ------------------------------------------------------ navigator.credentials.get()

    def get(
        self,
        options: dict,
        origin: str,
        *,
        credential: Credential | None = None,
        rp_id: str | None = None,
        user_verified: bool = True,
        user_present: bool = True,
        sign_count: int | None = None,
        tamper_signature: bool = False,
        challenge: str | None = None,
        client_type: str = "webauthn.get",
        user_handle: bytes | None = None,
    ) -> dict:
        """Answer PublicKeyCredentialRequestOptions (JSON form) as a browser at
        `origin` would, with `credential` or the first one held for the RP
        (`allowCredentials` empty: discoverable); `rp_id` overrides the RP id
        hashed into the authenticator data. `sign_count` forces the
        counter (e.g. backwards); otherwise it grows by `counter_step`."""
        if credential is None:
            allowed = {b64url_decode(c["id"]) for c in options.get("allowCredentials") or []}
            held = [c for c in self.credentials if c.rp_id == options["rpId"] and (not allowed or c.credential_id in allowed)]
            if not held:
                raise LookupError(f"no credential for {options['rpId']}")
            credential = held[0]
        rp_id = rp_id or options["rpId"]  # what is hashed into the authenticator data
        if sign_count is None:
            credential.sign_count += self.counter_step
            sign_count = credential.sign_count
        client_data = self._client_data(client_type, challenge or options["challenge"], origin)
        auth_data = (
            hashlib.sha256(rp_id.encode()).digest() + bytes([self._flags(user_present, user_verified)]) + struct.pack(">I", sign_count)
        )
        signature = credential.private_key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        if tamper_signature:
            signature = signature[:-1] + bytes([signature[-1] ^ 0x01])
        return {
            "id": b64url(credential.credential_id),
            "rawId": b64url(credential.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(credential.user_handle if user_handle is None else user_handle),
            },
        }

    # -------------------------------------------------------------------- helpers

    def _flags(self, user_present: bool, user_verified: bool) -> int:
        flags = (FLAG_UP if user_present else 0) | (FLAG_UV if user_verified else 0)
        if self.backup_eligible:
            flags |= FLAG_BE
        if self.backed_up:
            flags |= FLAG_BS
        return flags

    @staticmethod
    def _client_data(client_type: str, challenge: str, origin: str) -> bytes:
        return json.dumps(
            {"type": client_type, "challenge": challenge, "origin": origin, "crossOrigin": False}, separators=(",", ":")
        ).encode()
