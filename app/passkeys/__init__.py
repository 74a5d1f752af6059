"""Passkeys (WebAuthn): challenges.py (single-use ceremony challenges),
service.py (registration, management, sign-in), schemas.py, routes.py. See
docs/passkeys.md."""
