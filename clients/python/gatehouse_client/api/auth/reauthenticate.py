from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.reauthenticate import Reauthenticate
from ...models.token_pair_envelope import TokenPairEnvelope
from ...types import Response


def _get_kwargs(
    *,
    body: Reauthenticate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/reauthenticate",
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
    client: AuthenticatedClient,
    body: Reauthenticate,
) -> Response[ErrorEnvelope | TokenPairEnvelope]:
    """Confirm your password: a new token pair for this session, now fresh.

     Changing the email and deleting the account (and other sensitive actions)
    need a session whose user proved who they are within the last
    REAUTH_MAX_AGE_SECONDS (5 minutes by default), else 403
    AUTH_REAUTH_REQUIRED_033. A wrong password is 401
    AUTH_INVALID_CREDENTIALS_001 and counts toward the account lockout (429
    AUTH_ACCOUNT_LOCKED_022 while locked). The previous refresh token is spent.

    Args:
        body (Reauthenticate):

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
    client: AuthenticatedClient,
    body: Reauthenticate,
) -> ErrorEnvelope | TokenPairEnvelope | None:
    """Confirm your password: a new token pair for this session, now fresh.

     Changing the email and deleting the account (and other sensitive actions)
    need a session whose user proved who they are within the last
    REAUTH_MAX_AGE_SECONDS (5 minutes by default), else 403
    AUTH_REAUTH_REQUIRED_033. A wrong password is 401
    AUTH_INVALID_CREDENTIALS_001 and counts toward the account lockout (429
    AUTH_ACCOUNT_LOCKED_022 while locked). The previous refresh token is spent.

    Args:
        body (Reauthenticate):

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
    client: AuthenticatedClient,
    body: Reauthenticate,
) -> Response[ErrorEnvelope | TokenPairEnvelope]:
    """Confirm your password: a new token pair for this session, now fresh.

     Changing the email and deleting the account (and other sensitive actions)
    need a session whose user proved who they are within the last
    REAUTH_MAX_AGE_SECONDS (5 minutes by default), else 403
    AUTH_REAUTH_REQUIRED_033. A wrong password is 401
    AUTH_INVALID_CREDENTIALS_001 and counts toward the account lockout (429
    AUTH_ACCOUNT_LOCKED_022 while locked). The previous refresh token is spent.

    Args:
        body (Reauthenticate):

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
    client: AuthenticatedClient,
    body: Reauthenticate,
) -> ErrorEnvelope | TokenPairEnvelope | None:
    """Confirm your password: a new token pair for this session, now fresh.

     Changing the email and deleting the account (and other sensitive actions)
    need a session whose user proved who they are within the last
    REAUTH_MAX_AGE_SECONDS (5 minutes by default), else 403
    AUTH_REAUTH_REQUIRED_033. A wrong password is 401
    AUTH_INVALID_CREDENTIALS_001 and counts toward the account lockout (429
    AUTH_ACCOUNT_LOCKED_022 while locked). The previous refresh token is spent.

    Args:
        body (Reauthenticate):

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
