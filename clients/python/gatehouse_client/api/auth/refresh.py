from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.refresh_request import RefreshRequest
from ...models.token_pair_envelope import TokenPairEnvelope
from ...types import Response


def _get_kwargs(
    *,
    body: RefreshRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/refresh",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | TokenPairEnvelope:
    if response.status_code == 200:
        response_200 = TokenPairEnvelope.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | TokenPairEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: RefreshRequest,
) -> Response[ErrorEnvelope | TokenPairEnvelope]:
    """Trade a refresh token for a new pair; the presented token is spent.

     401 AUTH_REFRESH_TOKEN_INVALID_019 (unknown or expired),
    AUTH_REFRESH_TOKEN_REUSED_020 (already used: the session is ended), or
    AUTH_SESSION_REVOKED_018 (the session has ended). 503
    SERVER_UNAVAILABLE_012 (Retry-After) when ending the session cannot be
    recorded right now; nothing changed.

    Args:
        body (RefreshRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | TokenPairEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: RefreshRequest,
) -> ErrorEnvelope | TokenPairEnvelope | None:
    """Trade a refresh token for a new pair; the presented token is spent.

     401 AUTH_REFRESH_TOKEN_INVALID_019 (unknown or expired),
    AUTH_REFRESH_TOKEN_REUSED_020 (already used: the session is ended), or
    AUTH_SESSION_REVOKED_018 (the session has ended). 503
    SERVER_UNAVAILABLE_012 (Retry-After) when ending the session cannot be
    recorded right now; nothing changed.

    Args:
        body (RefreshRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | TokenPairEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: RefreshRequest,
) -> Response[ErrorEnvelope | TokenPairEnvelope]:
    """Trade a refresh token for a new pair; the presented token is spent.

     401 AUTH_REFRESH_TOKEN_INVALID_019 (unknown or expired),
    AUTH_REFRESH_TOKEN_REUSED_020 (already used: the session is ended), or
    AUTH_SESSION_REVOKED_018 (the session has ended). 503
    SERVER_UNAVAILABLE_012 (Retry-After) when ending the session cannot be
    recorded right now; nothing changed.

    Args:
        body (RefreshRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | TokenPairEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: RefreshRequest,
) -> ErrorEnvelope | TokenPairEnvelope | None:
    """Trade a refresh token for a new pair; the presented token is spent.

     401 AUTH_REFRESH_TOKEN_INVALID_019 (unknown or expired),
    AUTH_REFRESH_TOKEN_REUSED_020 (already used: the session is ended), or
    AUTH_SESSION_REVOKED_018 (the session has ended). 503
    SERVER_UNAVAILABLE_012 (Retry-After) when ending the session cannot be
    recorded right now; nothing changed.

    Args:
        body (RefreshRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | TokenPairEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
