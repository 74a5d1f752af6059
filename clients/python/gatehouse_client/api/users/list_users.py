import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.user_list_sort import UserListSort
from ...models.user_page import UserPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    is_active: bool | Unset = UNSET,
    is_verified: bool | Unset = UNSET,
    sort: UserListSort | Unset = "-created_at",
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["page"] = page

    params["page_size"] = page_size

    json_created_after: str | Unset = UNSET
    if not isinstance(created_after, Unset):
        json_created_after = created_after.isoformat()
    params["created_after"] = json_created_after

    json_created_before: str | Unset = UNSET
    if not isinstance(created_before, Unset):
        json_created_before = created_before.isoformat()
    params["created_before"] = json_created_before

    params["q"] = q

    params["is_active"] = is_active

    params["is_verified"] = is_verified

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort

    params["sort"] = json_sort

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/users/",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorEnvelope | UserPage:
    if response.status_code == 200:
        response_200 = UserPage.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | UserPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    is_active: bool | Unset = UNSET,
    is_verified: bool | Unset = UNSET,
    sort: UserListSort | Unset = "-created_at",
) -> Response[ErrorEnvelope | UserPage]:
    """List accounts (admin): paged, filtered, ordered by creation time.

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 20.
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        q (str | Unset):
        is_active (bool | Unset):
        is_verified (bool | Unset):
        sort (UserListSort | Unset):  Default: '-created_at'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | UserPage]
    """

    kwargs = _get_kwargs(
        page=page,
        page_size=page_size,
        created_after=created_after,
        created_before=created_before,
        q=q,
        is_active=is_active,
        is_verified=is_verified,
        sort=sort,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    is_active: bool | Unset = UNSET,
    is_verified: bool | Unset = UNSET,
    sort: UserListSort | Unset = "-created_at",
) -> ErrorEnvelope | UserPage | None:
    """List accounts (admin): paged, filtered, ordered by creation time.

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 20.
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        q (str | Unset):
        is_active (bool | Unset):
        is_verified (bool | Unset):
        sort (UserListSort | Unset):  Default: '-created_at'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | UserPage
    """

    return sync_detailed(
        client=client,
        page=page,
        page_size=page_size,
        created_after=created_after,
        created_before=created_before,
        q=q,
        is_active=is_active,
        is_verified=is_verified,
        sort=sort,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    is_active: bool | Unset = UNSET,
    is_verified: bool | Unset = UNSET,
    sort: UserListSort | Unset = "-created_at",
) -> Response[ErrorEnvelope | UserPage]:
    """List accounts (admin): paged, filtered, ordered by creation time.

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 20.
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        q (str | Unset):
        is_active (bool | Unset):
        is_verified (bool | Unset):
        sort (UserListSort | Unset):  Default: '-created_at'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | UserPage]
    """

    kwargs = _get_kwargs(
        page=page,
        page_size=page_size,
        created_after=created_after,
        created_before=created_before,
        q=q,
        is_active=is_active,
        is_verified=is_verified,
        sort=sort,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    q: str | Unset = UNSET,
    is_active: bool | Unset = UNSET,
    is_verified: bool | Unset = UNSET,
    sort: UserListSort | Unset = "-created_at",
) -> ErrorEnvelope | UserPage | None:
    """List accounts (admin): paged, filtered, ordered by creation time.

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 20.
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        q (str | Unset):
        is_active (bool | Unset):
        is_verified (bool | Unset):
        sort (UserListSort | Unset):  Default: '-created_at'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | UserPage
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            page_size=page_size,
            created_after=created_after,
            created_before=created_before,
            q=q,
            is_active=is_active,
            is_verified=is_verified,
            sort=sort,
        )
    ).parsed
