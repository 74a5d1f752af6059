from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.profile_update_request_preferences import ProfileUpdateRequestPreferences


T = TypeVar("T", bound="ProfileUpdateRequest")


@_attrs_define
class ProfileUpdateRequest:
    """
    Attributes:
        avatar_url (None | str | Unset): An absolute http:// or https:// URL; null or "" for none. Example:
            https://example.com/me.png.
        bio (None | str | Unset):
        preferences (ProfileUpdateRequestPreferences | Unset): A JSON object of at most 16384 bytes (compact UTF-8
            JSON), nested at most 32 levels, with no NUL (U+0000) character in any key or string.
    """

    avatar_url: None | str | Unset = UNSET
    bio: None | str | Unset = UNSET
    preferences: ProfileUpdateRequestPreferences | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        avatar_url: None | str | Unset
        if isinstance(self.avatar_url, Unset):
            avatar_url = UNSET
        else:
            avatar_url = self.avatar_url

        bio: None | str | Unset
        if isinstance(self.bio, Unset):
            bio = UNSET
        else:
            bio = self.bio

        preferences: dict[str, Any] | Unset = UNSET
        if not isinstance(self.preferences, Unset):
            preferences = self.preferences.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if avatar_url is not UNSET:
            field_dict["avatar_url"] = avatar_url
        if bio is not UNSET:
            field_dict["bio"] = bio
        if preferences is not UNSET:
            field_dict["preferences"] = preferences

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.profile_update_request_preferences import ProfileUpdateRequestPreferences  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_avatar_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        avatar_url = _parse_avatar_url(d.pop("avatar_url", UNSET))

        def _parse_bio(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        bio = _parse_bio(d.pop("bio", UNSET))

        _preferences = d.pop("preferences", UNSET)
        preferences: ProfileUpdateRequestPreferences | Unset
        if isinstance(_preferences, Unset):
            preferences = UNSET
        else:
            preferences = ProfileUpdateRequestPreferences.from_dict(_preferences)

        profile_update_request = cls(
            avatar_url=avatar_url,
            bio=bio,
            preferences=preferences,
        )

        return profile_update_request
