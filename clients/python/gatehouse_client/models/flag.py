from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.flag_source import FlagSource, check_flag_source

if TYPE_CHECKING:
    from ..models.override import Override


T = TypeVar("T", bound="Flag")


@_attrs_define
class Flag:
    """
    Attributes:
        default (bool): The value from configuration.
        enabled (bool): The value for everyone without an override.
        name (str):
        overrides (list[Override]):
        source (FlagSource): `set` when an admin set the global value.
    """

    default: bool
    enabled: bool
    name: str
    overrides: list[Override]
    source: FlagSource

    def to_dict(self) -> dict[str, Any]:
        default = self.default

        enabled = self.enabled

        name = self.name

        overrides = []
        for overrides_item_data in self.overrides:
            overrides_item = overrides_item_data.to_dict()
            overrides.append(overrides_item)

        source: str = self.source

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "default": default,
                "enabled": enabled,
                "name": name,
                "overrides": overrides,
                "source": source,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.override import Override  # noqa: PLC0415

        d = dict(src_dict)
        default = d.pop("default")

        enabled = d.pop("enabled")

        name = d.pop("name")

        overrides = []
        _overrides = d.pop("overrides")
        for overrides_item_data in _overrides:
            overrides_item = Override.from_dict(overrides_item_data)

            overrides.append(overrides_item)

        source = check_flag_source(d.pop("source"))

        flag = cls(
            default=default,
            enabled=enabled,
            name=name,
            overrides=overrides,
            source=source,
        )

        return flag
