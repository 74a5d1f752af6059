from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="MfaCodeRequest")


@_attrs_define
class MfaCodeRequest:
    """
    Attributes:
        code (str): A current code of the authenticator app (6 digits) or an unused recovery code. Example: 123456.
    """

    code: str

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        mfa_code_request = cls(
            code=code,
        )

        return mfa_code_request
