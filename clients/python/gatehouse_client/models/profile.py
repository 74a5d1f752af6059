from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.profile_preferences import ProfilePreferences


T = TypeVar("T", bound="Profile")


@_attrs_define
class Profile:
    """
    Attributes:
        avatar_url (None | str):
        bio (None | str):
        created_at (datetime.datetime | None): Null until first written.
        preferences (ProfilePreferences):
        updated_at (datetime.datetime | None): Null until first written.
    """

    avatar_url: None | str
    bio: None | str
    created_at: datetime.datetime | None
    preferences: ProfilePreferences
    updated_at: datetime.datetime | None

    def to_dict(self) -> dict[str, Any]:
        avatar_url: None | str
        avatar_url = self.avatar_url

        bio: None | str
        bio = self.bio

        created_at: None | str
        if isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        preferences = self.preferences.to_dict()

        updated_at: None | str
        if isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "avatar_url": avatar_url,
                "bio": bio,
                "created_at": created_at,
                "preferences": preferences,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.profile_preferences import ProfilePreferences  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_avatar_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        avatar_url = _parse_avatar_url(d.pop("avatar_url"))

        def _parse_bio(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        bio = _parse_bio(d.pop("bio"))

        def _parse_created_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        created_at = _parse_created_at(d.pop("created_at"))

        preferences = ProfilePreferences.from_dict(d.pop("preferences"))

        def _parse_updated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        profile = cls(
            avatar_url=avatar_url,
            bio=bio,
            created_at=created_at,
            preferences=preferences,
            updated_at=updated_at,
        )

        return profile
