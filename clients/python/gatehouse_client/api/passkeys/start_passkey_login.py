from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.passkey_login_options import PasskeyLoginOptions
from ...models.request_options_envelope import RequestOptionsEnvelope
from ...types import Response


def _get_kwargs(
    *,
    body: PasskeyLoginOptions,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/passkeys/login/options",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | RequestOptionsEnvelope:
    if response.status_code == 200:
        response_200 = RequestOptionsEnvelope.from_dict(response.json())

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

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | RequestOptionsEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PasskeyLoginOptions,
) -> Response[ErrorEnvelope | RequestOptionsEnvelope]:
    """Start a passkey sign-in: options for navigator.credentials.get().

     `allowCredentials` is empty (the browser offers the passkeys it holds for
    this site), so the answer is the same for any `email`, with an account or
    not. With `mfa_token` instead, the options are for the second step of a
    sign-in (POST /auth/login/mfa with `credential`) and list the account's
    passkeys; 401 AUTH_MFA_TOKEN_INVALID_035 for an unknown, used or expired
    token. The challenge is good for one sign-in within 5 minutes.

    Args:
        body (PasskeyLoginOptions):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | RequestOptionsEnvelope]
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
    body: PasskeyLoginOptions,
) -> ErrorEnvelope | RequestOptionsEnvelope | None:
    """Start a passkey sign-in: options for navigator.credentials.get().

     `allowCredentials` is empty (the browser offers the passkeys it holds for
    this site), so the answer is the same for any `email`, with an account or
    not. With `mfa_token` instead, the options are for the second step of a
    sign-in (POST /auth/login/mfa with `credential`) and list the account's
    passkeys; 401 AUTH_MFA_TOKEN_INVALID_035 for an unknown, used or expired
    token. The challenge is good for one sign-in within 5 minutes.

    Args:
        body (PasskeyLoginOptions):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | RequestOptionsEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PasskeyLoginOptions,
) -> Response[ErrorEnvelope | RequestOptionsEnvelope]:
    """Start a passkey sign-in: options for navigator.credentials.get().

     `allowCredentials` is empty (the browser offers the passkeys it holds for
    this site), so the answer is the same for any `email`, with an account or
    not. With `mfa_token` instead, the options are for the second step of a
    sign-in (POST /auth/login/mfa with `credential`) and list the account's
    passkeys; 401 AUTH_MFA_TOKEN_INVALID_035 for an unknown, used or expired
    token. The challenge is good for one sign-in within 5 minutes.

    Args:
        body (PasskeyLoginOptions):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | RequestOptionsEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: PasskeyLoginOptions,
) -> ErrorEnvelope | RequestOptionsEnvelope | None:
    """Start a passkey sign-in: options for navigator.credentials.get().

     `allowCredentials` is empty (the browser offers the passkeys it holds for
    this site), so the answer is the same for any `email`, with an account or
    not. With `mfa_token` instead, the options are for the second step of a
    sign-in (POST /auth/login/mfa with `credential`) and list the account's
    passkeys; 401 AUTH_MFA_TOKEN_INVALID_035 for an unknown, used or expired
    token. The challenge is good for one sign-in within 5 minutes.

    Args:
        body (PasskeyLoginOptions):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | RequestOptionsEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
