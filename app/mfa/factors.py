"""The registry of second factors: what each kind of second factor tells the
sign-in path, so that a new kind (passkeys) joins without the others changing.

A factor has a name (listed in an `mfa_required` answer's `methods`), the
field of `POST /auth/login/mfa` that carries its proof (`code` for TOTP and
recovery codes, `credential` for a passkey), the `amr` names a session signed
in with it carries, and three functions:

- `enrolled(user_id) -> int`: how many the account has (0: none);
- `verify(user, proof, challenge) -> bool`: whether `proof` is right. It may
  write in the caller's transaction (mark a code used, queue an email), and
  those writes are committed only with the sign-in they allow;
- `remove(user_id) -> int`: remove them all (an admin's MFA reset).

A factor that `activates` turns the second step on when enrolled (TOTP);
the others only answer it once it is on (recovery codes, passkeys). See
docs/mfa.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SecondFactor:
    name: str
    field: str
    amr: tuple[str, ...]
    enrolled: Callable[[uuid.UUID], int]
    verify: Callable[..., bool]
    remove: Callable[[uuid.UUID], int]
    activates: bool = False


_FACTORS: dict[str, SecondFactor] = {}


def register(factor: SecondFactor) -> None:
    """Add (or replace) a kind of second factor; the order of registration is
    the order in which factors sharing a field are tried."""
    _FACTORS[factor.name] = factor


def all_factors() -> list[SecondFactor]:
    return list(_FACTORS.values())


def get(name: str) -> SecondFactor:
    """The registered factor called `name` (KeyError when none is)."""
    return _FACTORS[name]


def for_field(field: str) -> list[SecondFactor]:
    """The factors whose proof arrives in `field` of POST /auth/login/mfa."""
    return [f for f in _FACTORS.values() if f.field == field]


def enrolled_methods(user_id) -> list[str]:
    """The names of the factors the account can answer the second step with,
    or [] when the second step is off for it (no activating factor enrolled).
    For an account without one this costs one query per activating factor."""
    factors = list(_FACTORS.values())
    counts = {f.name: f.enrolled(user_id) for f in factors if f.activates}
    if not any(counts.values()):
        return []
    counts.update({f.name: f.enrolled(user_id) for f in factors if not f.activates})
    return [f.name for f in factors if counts[f.name]]
