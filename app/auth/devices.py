"""Where a sign-in comes from: the device (browser and operating system, read
from the User-Agent with ua-parser) and the network (the client address's /24
for IPv4, /64 for IPv6), and whether the account has signed in from that pair
within the last NEW_SIGN_IN_DAYS. Nothing here commits.

Versions are left out of the device on purpose: a browser update is not a new
device. An account's first sign-in ever is not "new" (there is nothing to
compare it with, and the owner has just signed up). See docs/mfa.md.
"""

from __future__ import annotations

import functools
import ipaddress
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from ua_parser import parse

from app.context import RequestContext
from app.extensions import db
from app.models import SignInContext

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Origin:
    device: str  # e.g. "Firefox on Windows"
    network: str  # e.g. "203.0.113.0/24"
    ip: str


@functools.lru_cache(maxsize=1024)
def describe_device(user_agent: str) -> str:
    """'<browser> on <operating system>' for a User-Agent string (cached: a
    client sends the same string every time)."""
    if not user_agent:
        return UNKNOWN
    result = parse(user_agent[:512])
    browser = result.user_agent.family if result.user_agent else "Other"
    system = result.os.family if result.os else "Other"
    if browser == "Other" and system == "Other":
        # A script or a client ua-parser does not know: its product token is all we have.
        return user_agent.split("/", 1)[0].split(" ", 1)[0][:64] or UNKNOWN
    return f"{browser} on {system}"[:128]


def network_of(ip: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) around `ip`; an IPv4-mapped IPv6 address counts as IPv4."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return UNKNOWN
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def origin_of(ctx: RequestContext) -> Origin:
    """Where the call of `ctx` comes from (UNKNOWN outside a request)."""
    if ctx.ip is None:
        return Origin(UNKNOWN, UNKNOWN, UNKNOWN)
    return Origin(describe_device(ctx.user_agent or ""), network_of(ctx.ip), ctx.ip)


def remember(user_id, origin: Origin, now: datetime) -> bool:
    """Record that `user_id` signed in from `origin` at `now`; True when that
    is news: the account has signed in before, but not from this device and
    network within NEW_SIGN_IN_DAYS.

    Two concurrent first sign-ins from one origin may both see it as new (and
    one of them loses the insert race silently): at worst one email too many.
    """
    since = now - timedelta(days=current_app.config["NEW_SIGN_IN_DAYS"])
    seen = db.session.execute(
        select(SignInContext.device, SignInContext.network, SignInContext.last_seen_at).where(SignInContext.user_id == user_id)
    ).all()
    match = next((row for row in seen if row.device == origin.device and row.network == origin.network), None)
    is_new = bool(seen) and (match is None or match.last_seen_at <= since)
    if match is not None:
        db.session.execute(
            update(SignInContext)
            .where(SignInContext.user_id == user_id, SignInContext.device == origin.device, SignInContext.network == origin.network)
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )
    else:
        _insert(user_id, origin, now)
    if any(row.last_seen_at <= since for row in seen if row is not match):
        # Forgotten after the window: they can no longer make a sign-in "known".
        db.session.execute(
            delete(SignInContext)
            .where(SignInContext.user_id == user_id, SignInContext.last_seen_at <= since)
            .execution_options(synchronize_session=False)
        )
    return is_new


def _insert(user_id, origin: Origin, now: datetime) -> None:
    values = dict(user_id=user_id, device=origin.device, network=origin.network, first_seen_at=now, last_seen_at=now)
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    db.session.execute(
        insert(SignInContext)
        .values(id=uuid.uuid4(), **values)
        .on_conflict_do_update(index_elements=["user_id", "device", "network"], set_={"last_seen_at": now})
    )
