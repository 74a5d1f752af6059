from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.flag_envelope import FlagEnvelope
from ...models.flag_update_request import FlagUpdateRequest
from ...types import Response


def _get_kwargs(
    name: str,
    *,
    body: FlagUpdateRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/api/v1/admin/flags/{name}".format(
            name=quote(str(name), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorEnvelope | FlagEnvelope:
    if response.status_code == 200:
        response_200 = FlagEnvelope.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | FlagEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    body: FlagUpdateRequest,
) -> Response[ErrorEnvelope | FlagEnvelope]:
    """Turn a flag on or off for everyone, or for one user with `user_id` (admin).

     `maintenance_mode` on answers 503 with Retry-After on every route except
    /health, /ready, /metrics, the API docs and these admin flag routes, in
    every worker within a second.

    Args:
        name (str):
        body (FlagUpdateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | FlagEnvelope]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    name: str,
    *,
    client: AuthenticatedClient,
    body: FlagUpdateRequest,
) -> ErrorEnvelope | FlagEnvelope | None:
    """Turn a flag on or off for everyone, or for one user with `user_id` (admin).

     `maintenance_mode` on answers 503 with Retry-After on every route except
    /health, /ready, /metrics, the API docs and these admin flag routes, in
    every worker within a second.

    Args:
        name (str):
        body (FlagUpdateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | FlagEnvelope
    """

    return sync_detailed(
        name=name,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    name: str,
    *,
    client: AuthenticatedClient,
    body: FlagUpdateRequest,
) -> Response[ErrorEnvelope | FlagEnvelope]:
    """Turn a flag on or off for everyone, or for one user with `user_id` (admin).

     `maintenance_mode` on answers 503 with Retry-After on every route except
    /health, /ready, /metrics, the API docs and these admin flag routes, in
    every worker within a second.

    Args:
        name (str):
        body (FlagUpdateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | FlagEnvelope]
    """

    kwargs = _get_kwargs(
        name=name,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    name: str,
    *,
    client: AuthenticatedClient,
    body: FlagUpdateRequest,
) -> ErrorEnvelope | FlagEnvelope | None:
    """Turn a flag on or off for everyone, or for one user with `user_id` (admin).

     `maintenance_mode` on answers 503 with Retry-After on every route except
    /health, /ready, /metrics, the API docs and these admin flag routes, in
    every worker within a second.

    Args:
        name (str):
        body (FlagUpdateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | FlagEnvelope
    """

    return (
        await asyncio_detailed(
            name=name,
            client=client,
            body=body,
        )
    ).parsed
