from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.login_result_envelope import LoginResultEnvelope
from ...models.passkey_login import PasskeyLogin
from ...types import Response


def _get_kwargs(
    *,
    body: PasskeyLogin,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/passkeys/login",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | LoginResultEnvelope:
    if response.status_code == 200:
        response_200 = LoginResultEnvelope.from_dict(response.json())

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

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | LoginResultEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PasskeyLogin,
) -> Response[ErrorEnvelope | LoginResultEnvelope]:
    """Sign in with a passkey: the login answer, with a session at assurance level 2.

     401 AUTH_PASSKEY_INVALID_039 when the assertion does not verify (unknown
    or removed passkey, challenge used or expired, wrong origin or RP id, no
    user verification, bad signature, a signature counter that went
    backwards); 403 AUTH_ACCOUNT_DISABLED_021; 429 AUTH_ACCOUNT_LOCKED_022
    while the account is locked.

    Args:
        body (PasskeyLogin):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | LoginResultEnvelope]
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
    body: PasskeyLogin,
) -> ErrorEnvelope | LoginResultEnvelope | None:
    """Sign in with a passkey: the login answer, with a session at assurance level 2.

     401 AUTH_PASSKEY_INVALID_039 when the assertion does not verify (unknown
    or removed passkey, challenge used or expired, wrong origin or RP id, no
    user verification, bad signature, a signature counter that went
    backwards); 403 AUTH_ACCOUNT_DISABLED_021; 429 AUTH_ACCOUNT_LOCKED_022
    while the account is locked.

    Args:
        body (PasskeyLogin):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | LoginResultEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: PasskeyLogin,
) -> Response[ErrorEnvelope | LoginResultEnvelope]:
    """Sign in with a passkey: the login answer, with a session at assurance level 2.

     401 AUTH_PASSKEY_INVALID_039 when the assertion does not verify (unknown
    or removed passkey, challenge used or expired, wrong origin or RP id, no
    user verification, bad signature, a signature counter that went
    backwards); 403 AUTH_ACCOUNT_DISABLED_021; 429 AUTH_ACCOUNT_LOCKED_022
    while the account is locked.

    Args:
        body (PasskeyLogin):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | LoginResultEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: PasskeyLogin,
) -> ErrorEnvelope | LoginResultEnvelope | None:
    """Sign in with a passkey: the login answer, with a session at assurance level 2.

     401 AUTH_PASSKEY_INVALID_039 when the assertion does not verify (unknown
    or removed passkey, challenge used or expired, wrong origin or RP id, no
    user verification, bad signature, a signature counter that went
    backwards); 403 AUTH_ACCOUNT_DISABLED_021; 429 AUTH_ACCOUNT_LOCKED_022
    while the account is locked.

    Args:
        body (PasskeyLogin):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | LoginResultEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
