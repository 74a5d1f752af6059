from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.login_answer_envelope import LoginAnswerEnvelope
from ...models.oidc_exchange import OidcExchange
from ...types import Response


def _get_kwargs(
    *,
    body: OidcExchange,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/oidc/exchange",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | LoginAnswerEnvelope:
    if response.status_code == 200:
        response_200 = LoginAnswerEnvelope.from_dict(response.json())

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
) -> Response[ErrorEnvelope | LoginAnswerEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: OidcExchange,
) -> Response[ErrorEnvelope | LoginAnswerEnvelope]:
    """Trade a `gatehouse_code` for the login answer (tokens and user, or the second step).

     With two-factor sign-in on, the answer is `{mfa_required, mfa_token,
    methods, expires_in}` and the client continues at /auth/login/mfa.
    The code is single use and lives 60 seconds: 401
    AUTH_OIDC_CODE_INVALID_061 otherwise. The rules of every sign-in apply
    (403 AUTH_ACCOUNT_DISABLED_021, 429 AUTH_ACCOUNT_LOCKED_022).

    Args:
        body (OidcExchange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | LoginAnswerEnvelope]
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
    body: OidcExchange,
) -> ErrorEnvelope | LoginAnswerEnvelope | None:
    """Trade a `gatehouse_code` for the login answer (tokens and user, or the second step).

     With two-factor sign-in on, the answer is `{mfa_required, mfa_token,
    methods, expires_in}` and the client continues at /auth/login/mfa.
    The code is single use and lives 60 seconds: 401
    AUTH_OIDC_CODE_INVALID_061 otherwise. The rules of every sign-in apply
    (403 AUTH_ACCOUNT_DISABLED_021, 429 AUTH_ACCOUNT_LOCKED_022).

    Args:
        body (OidcExchange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | LoginAnswerEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: OidcExchange,
) -> Response[ErrorEnvelope | LoginAnswerEnvelope]:
    """Trade a `gatehouse_code` for the login answer (tokens and user, or the second step).

     With two-factor sign-in on, the answer is `{mfa_required, mfa_token,
    methods, expires_in}` and the client continues at /auth/login/mfa.
    The code is single use and lives 60 seconds: 401
    AUTH_OIDC_CODE_INVALID_061 otherwise. The rules of every sign-in apply
    (403 AUTH_ACCOUNT_DISABLED_021, 429 AUTH_ACCOUNT_LOCKED_022).

    Args:
        body (OidcExchange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | LoginAnswerEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: OidcExchange,
) -> ErrorEnvelope | LoginAnswerEnvelope | None:
    """Trade a `gatehouse_code` for the login answer (tokens and user, or the second step).

     With two-factor sign-in on, the answer is `{mfa_required, mfa_token,
    methods, expires_in}` and the client continues at /auth/login/mfa.
    The code is single use and lives 60 seconds: 401
    AUTH_OIDC_CODE_INVALID_061 otherwise. The rules of every sign-in apply
    (403 AUTH_ACCOUNT_DISABLED_021, 429 AUTH_ACCOUNT_LOCKED_022).

    Args:
        body (OidcExchange):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | LoginAnswerEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
