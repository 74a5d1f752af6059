"""Token introspection (RFC 7662): POST /api/v1/auth/introspect, for resource
servers that must see a revocation at once (docs/signing-keys.md).

- `service`: whether a token is live, and its claims (no HTTP);
- `routes`: the route, guarded by INTROSPECTION_TOKEN;
- `schemas`: the request (form or JSON) and the RFC 7662 answer.
"""
