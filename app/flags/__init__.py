"""Feature flags and maintenance mode: the flag service (service.py) and its
routes (routes.py, schemas.py). Other modules use the service::

    from app import flags
    if flags.is_enabled("enable_new_ui", user_id): ...
"""

from app.flags.service import (
    MAINTENANCE,
    all_flag_states,
    defaults,
    flag_state,
    flags_for,
    is_enabled,
    is_exempt,
    maintenance_active,
    set_flag,
    unset_flag,
)

__all__ = [
    "MAINTENANCE",
    "all_flag_states",
    "defaults",
    "flag_state",
    "flags_for",
    "is_enabled",
    "is_exempt",
    "maintenance_active",
    "set_flag",
    "unset_flag",
]
