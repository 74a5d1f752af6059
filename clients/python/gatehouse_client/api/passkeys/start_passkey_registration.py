from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.creation_options_envelope import CreationOptionsEnvelope
from ...models.error_envelope import ErrorEnvelope
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/passkeys/register/options",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreationOptionsEnvelope | ErrorEnvelope:
    if response.status_code == 200:
        response_200 = CreationOptionsEnvelope.from_dict(response.json())

        return response_200

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
) -> Response[CreationOptionsEnvelope | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[CreationOptionsEnvelope | ErrorEnvelope]:
    """Start adding a passkey: options for navigator.credentials.create().

     PublicKeyCredentialCreationOptions in their JSON form (base64url fields):
    a discoverable credential with user verification, your passkeys
    excluded. The challenge is good for one registration within 5 minutes.
    Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreationOptionsEnvelope | ErrorEnvelope]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
) -> CreationOptionsEnvelope | ErrorEnvelope | None:
    """Start adding a passkey: options for navigator.credentials.create().

     PublicKeyCredentialCreationOptions in their JSON form (base64url fields):
    a discoverable credential with user verification, your passkeys
    excluded. The challenge is good for one registration within 5 minutes.
    Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreationOptionsEnvelope | ErrorEnvelope
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[CreationOptionsEnvelope | ErrorEnvelope]:
    """Start adding a passkey: options for navigator.credentials.create().

     PublicKeyCredentialCreationOptions in their JSON form (base64url fields):
    a discoverable credential with user verification, your passkeys
    excluded. The challenge is good for one registration within 5 minutes.
    Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreationOptionsEnvelope | ErrorEnvelope]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
) -> CreationOptionsEnvelope | ErrorEnvelope | None:
    """Start adding a passkey: options for navigator.credentials.create().

     PublicKeyCredentialCreationOptions in their JSON form (base64url fields):
    a discoverable credential with user verification, your passkeys
    excluded. The challenge is good for one registration within 5 minutes.
    Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreationOptionsEnvelope | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
