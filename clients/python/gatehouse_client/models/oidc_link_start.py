from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="OidcLinkStart")


@_attrs_define
class OidcLinkStart:
    """
    Attributes:
        authorize_url (str): Open it in the browser (top-level navigation): it leads to the provider and back to
            `redirect_uri` with `linked=<provider>` or `error=<CODE>`. Single use, 10 minutes.
    """

    authorize_url: str

    def to_dict(self) -> dict[str, Any]:
        authorize_url = self.authorize_url

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "authorize_url": authorize_url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        authorize_url = d.pop("authorize_url")

        oidc_link_start = cls(
            authorize_url=authorize_url,
        )

        return oidc_link_start
