from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.totp_setup_envelope import TotpSetupEnvelope
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/mfa/totp/setup",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | TotpSetupEnvelope:
    if response.status_code == 200:
        response_200 = TotpSetupEnvelope.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | TotpSetupEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[ErrorEnvelope | TotpSetupEnvelope]:
    """Start setting up an authenticator app: its secret, `otpauth://` URI and QR code.

     Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033). Nothing changes until
    a code confirms it (POST /auth/mfa/totp/confirm); starting again replaces
    the pending secret. 409 AUTH_MFA_ALREADY_ENABLED_036 when TOTP is on.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | TotpSetupEnvelope]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
) -> ErrorEnvelope | TotpSetupEnvelope | None:
    """Start setting up an authenticator app: its secret, `otpauth://` URI and QR code.

     Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033). Nothing changes until
    a code confirms it (POST /auth/mfa/totp/confirm); starting again replaces
    the pending secret. 409 AUTH_MFA_ALREADY_ENABLED_036 when TOTP is on.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | TotpSetupEnvelope
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[ErrorEnvelope | TotpSetupEnvelope]:
    """Start setting up an authenticator app: its secret, `otpauth://` URI and QR code.

     Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033). Nothing changes until
    a code confirms it (POST /auth/mfa/totp/confirm); starting again replaces
    the pending secret. 409 AUTH_MFA_ALREADY_ENABLED_036 when TOTP is on.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | TotpSetupEnvelope]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
) -> ErrorEnvelope | TotpSetupEnvelope | None:
    """Start setting up an authenticator app: its secret, `otpauth://` URI and QR code.

     Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033). Nothing changes until
    a code confirms it (POST /auth/mfa/totp/confirm); starting again replaces
    the pending secret. 409 AUTH_MFA_ALREADY_ENABLED_036 when TOTP is on.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | TotpSetupEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
