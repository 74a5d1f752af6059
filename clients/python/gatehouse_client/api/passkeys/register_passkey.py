from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.passkey_envelope import PasskeyEnvelope
from ...models.register_passkey import RegisterPasskey
from ...types import Response


def _get_kwargs(
    *,
    body: RegisterPasskey,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/passkeys/register",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | PasskeyEnvelope:
    if response.status_code == 201:
        response_201 = PasskeyEnvelope.from_dict(response.json())

        return response_201

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
) -> Response[ErrorEnvelope | PasskeyEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: RegisterPasskey,
) -> Response[ErrorEnvelope | PasskeyEnvelope]:
    """Add a passkey: the browser's answer to navigator.credentials.create().

     400 AUTH_PASSKEY_INVALID_039 when it does not verify (challenge unknown,
    used, expired or not yours; wrong origin or RP id; no user verification;
    already registered). You are emailed about the new passkey.

    Args:
        body (RegisterPasskey):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | PasskeyEnvelope]
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
    body: RegisterPasskey,
) -> ErrorEnvelope | PasskeyEnvelope | None:
    """Add a passkey: the browser's answer to navigator.credentials.create().

     400 AUTH_PASSKEY_INVALID_039 when it does not verify (challenge unknown,
    used, expired or not yours; wrong origin or RP id; no user verification;
    already registered). You are emailed about the new passkey.

    Args:
        body (RegisterPasskey):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | PasskeyEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: RegisterPasskey,
) -> Response[ErrorEnvelope | PasskeyEnvelope]:
    """Add a passkey: the browser's answer to navigator.credentials.create().

     400 AUTH_PASSKEY_INVALID_039 when it does not verify (challenge unknown,
    used, expired or not yours; wrong origin or RP id; no user verification;
    already registered). You are emailed about the new passkey.

    Args:
        body (RegisterPasskey):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | PasskeyEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: RegisterPasskey,
) -> ErrorEnvelope | PasskeyEnvelope | None:
    """Add a passkey: the browser's answer to navigator.credentials.create().

     400 AUTH_PASSKEY_INVALID_039 when it does not verify (challenge unknown,
    used, expired or not yours; wrong origin or RP id; no user verification;
    already registered). You are emailed about the new passkey.

    Args:
        body (RegisterPasskey):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | PasskeyEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
