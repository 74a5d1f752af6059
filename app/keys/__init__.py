"""Signing keys for access tokens (docs/signing-keys.md).

- `material`: make, load and publish Ed25519 / P-256 keys (no Flask, no database);
- `ring`: this process's key set (which key signs, which verify), kept in step
  with every instance; the JWK Set;
- `service`: rotate, retire, list (what `flask --app wsgi keys ...` calls);
- `routes`: GET /.well-known/jwks.json;
- `cli`: the `keys` command group.
"""
