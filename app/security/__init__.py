"""Security primitives, one module per job:

- `passwords`: bcrypt hashing in niced threads (`hash_password`, `verify_password`,
  `dummy_password_hash`, `refuse_when_hashing_is_saturated`);
- `password_rules`: what a new password must be (`password_problems`);
- `tokens`: opaque random tokens stored as SHA-256 (`new_token`, `hash_token`);
- `access_tokens`: JWT issue and verify, with the verified-claims cache
  (`issue_access_token`, `decode_access_token`);
- `session_cache`: whether a session is live, Redis first (`session_is_live`,
  `mark_sessions_revoked`);
- `guards`: who is calling (`authenticate`, `current_user`); the route
  decorators built on them are on the project Blueprint (app/blueprint.py).
"""
