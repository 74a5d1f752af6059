"""Sign-in with OpenID Connect providers, and linking them to accounts (docs/oidc.md).

- `provider`: discovery, the authorization URL, the code exchange, ID token validation (Authlib).
- `grants`: the one-time records of a browser round trip (state, link ticket, gatehouse_code).
- `redirects`: where a browser may be sent back (OIDC_REDIRECT_ALLOWLIST).
- `service`: the round trip and the account rules; `identities`: listing and unlinking.
- `routes`, `schemas`: the HTTP edge.
"""
