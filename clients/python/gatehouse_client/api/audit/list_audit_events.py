import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ...client import AuthenticatedClient, Client
from ...models.audit_event_type import AuditEventType
from ...models.audit_page import AuditPage
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    user_id: UUID | Unset = UNSET,
    event_type: AuditEventType | Unset = UNSET,
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

    json_user_id: str | Unset = UNSET
    if not isinstance(user_id, Unset):
        json_user_id = str(user_id)
    params["user_id"] = json_user_id

    json_event_type: str | Unset = UNSET
    if not isinstance(event_type, Unset):
        json_event_type = event_type

    params["event_type"] = json_event_type

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/admin/audit",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AuditPage | ErrorEnvelope:
    if response.status_code == 200:
        response_200 = AuditPage.from_dict(response.json())

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
) -> Response[AuditPage | ErrorEnvelope]:
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
    user_id: UUID | Unset = UNSET,
    event_type: AuditEventType | Unset = UNSET,
) -> Response[AuditPage | ErrorEnvelope]:
    """Security events, newest first (admin): paged, filtered by account, type and time.

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 20.
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        user_id (UUID | Unset):
        event_type (AuditEventType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditPage | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        page=page,
        page_size=page_size,
        created_after=created_after,
        created_before=created_before,
        user_id=user_id,
        event_type=event_type,
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
    user_id: UUID | Unset = UNSET,
    event_type: AuditEventType | Unset = UNSET,
) -> AuditPage | ErrorEnvelope | None:
    """Security events, newest first (admin): paged, filtered by account, type and time.

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 20.
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        user_id (UUID | Unset):
        event_type (AuditEventType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditPage | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
        page=page,
        page_size=page_size,
        created_after=created_after,
        created_before=created_before,
        user_id=user_id,
        event_type=event_type,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page: int | Unset = 1,
    page_size: int | Unset = 20,
    created_after: datetime.datetime | Unset = UNSET,
    created_before: datetime.datetime | Unset = UNSET,
    user_id: UUID | Unset = UNSET,
    event_type: AuditEventType | Unset = UNSET,
) -> Response[AuditPage | ErrorEnvelope]:
    """Security events, newest first (admin): paged, filtered by account, type and time.

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 20.
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        user_id (UUID | Unset):
        event_type (AuditEventType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuditPage | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        page=page,
        page_size=page_size,
        created_after=created_after,
        created_before=created_before,
        user_id=user_id,
        event_type=event_type,
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
    user_id: UUID | Unset = UNSET,
    event_type: AuditEventType | Unset = UNSET,
) -> AuditPage | ErrorEnvelope | None:
    """Security events, newest first (admin): paged, filtered by account, type and time.

    Args:
        page (int | Unset):  Default: 1.
        page_size (int | Unset):  Default: 20.
        created_after (datetime.datetime | Unset):
        created_before (datetime.datetime | Unset):
        user_id (UUID | Unset):
        event_type (AuditEventType | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuditPage | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            page=page,
            page_size=page_size,
            created_after=created_after,
            created_before=created_before,
            user_id=user_id,
            event_type=event_type,
        )
    ).parsed
