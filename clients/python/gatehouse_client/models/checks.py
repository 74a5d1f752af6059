from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="Checks")


@_attrs_define
class Checks:
    """
    Attributes:
        database (str): `healthy` or `unhealthy: <reason>`
        redis (str):
    """

    database: str
    redis: str

    def to_dict(self) -> dict[str, Any]:
        database = self.database

        redis = self.redis

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "database": database,
                "redis": redis,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        database = d.pop("database")

        redis = d.pop("redis")

        checks = cls(
            database=database,
            redis=redis,
        )

        return checks
