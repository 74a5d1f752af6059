from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.caller_flags_flags import CallerFlagsFlags


T = TypeVar("T", bound="CallerFlags")


@_attrs_define
class CallerFlags:
    """
    Attributes:
        flags (CallerFlagsFlags): Every known flag, as it applies to the caller. Example: {'enable_new_ui': False,
            'maintenance_mode': False}.
    """

    flags: CallerFlagsFlags

    def to_dict(self) -> dict[str, Any]:
        flags = self.flags.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "flags": flags,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.caller_flags_flags import CallerFlagsFlags  # noqa: PLC0415

        d = dict(src_dict)
        flags = CallerFlagsFlags.from_dict(d.pop("flags"))

        caller_flags = cls(
            flags=flags,
        )

        return caller_flags
