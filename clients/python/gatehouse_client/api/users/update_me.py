from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.me_update_request import MeUpdateRequest
from ...models.me_update_result_envelope import MeUpdateResultEnvelope
from ...types import Response


def _get_kwargs(
    *,
    body: MeUpdateRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/users/me",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | MeUpdateResultEnvelope:
    if response.status_code == 200:
        response_200 = MeUpdateResultEnvelope.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | MeUpdateResultEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: MeUpdateRequest,
) -> Response[ErrorEnvelope | MeUpdateResultEnvelope]:
    """Change your name, or ask to change your email.

     A new email needs a fresh session (a sign-in or POST
    /api/v1/auth/reauthenticate within REAUTH_MAX_AGE_SECONDS, else 403
    AUTH_REAUTH_REQUIRED_033) and takes effect only when the link sent to it
    is used (POST /api/v1/auth/verify-email); until then the account keeps
    its current email, and a notice goes to that address.

    Args:
        body (MeUpdateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | MeUpdateResultEnvelope]
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
    body: MeUpdateRequest,
) -> ErrorEnvelope | MeUpdateResultEnvelope | None:
    """Change your name, or ask to change your email.

     A new email needs a fresh session (a sign-in or POST
    /api/v1/auth/reauthenticate within REAUTH_MAX_AGE_SECONDS, else 403
    AUTH_REAUTH_REQUIRED_033) and takes effect only when the link sent to it
    is used (POST /api/v1/auth/verify-email); until then the account keeps
    its current email, and a notice goes to that address.

    Args:
        body (MeUpdateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | MeUpdateResultEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: MeUpdateRequest,
) -> Response[ErrorEnvelope | MeUpdateResultEnvelope]:
    """Change your name, or ask to change your email.

     A new email needs a fresh session (a sign-in or POST
    /api/v1/auth/reauthenticate within REAUTH_MAX_AGE_SECONDS, else 403
    AUTH_REAUTH_REQUIRED_033) and takes effect only when the link sent to it
    is used (POST /api/v1/auth/verify-email); until then the account keeps
    its current email, and a notice goes to that address.

    Args:
        body (MeUpdateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | MeUpdateResultEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: MeUpdateRequest,
) -> ErrorEnvelope | MeUpdateResultEnvelope | None:
    """Change your name, or ask to change your email.

     A new email needs a fresh session (a sign-in or POST
    /api/v1/auth/reauthenticate within REAUTH_MAX_AGE_SECONDS, else 403
    AUTH_REAUTH_REQUIRED_033) and takes effect only when the link sent to it
    is used (POST /api/v1/auth/verify-email); until then the account keeps
    its current email, and a notice goes to that address.

    Args:
        body (MeUpdateRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | MeUpdateResultEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
