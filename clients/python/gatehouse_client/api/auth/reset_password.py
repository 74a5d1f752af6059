from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.message_envelope import MessageEnvelope
from ...models.reset_password_request import ResetPasswordRequest
from ...types import Response


def _get_kwargs(
    *,
    body: ResetPasswordRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/reset-password",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | MessageEnvelope:
    if response.status_code == 200:
        response_200 = MessageEnvelope.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

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
) -> Response[ErrorEnvelope | MessageEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ResetPasswordRequest,
) -> Response[ErrorEnvelope | MessageEnvelope]:
    """Set a new password with the token from the emailed link; every session ends.

     A bad, used or expired token is 400 AUTH_RESET_TOKEN_INVALID_024; the new
    password follows the registration rules (400 REQUEST_VALIDATION_FAILED_004).
    A reset also confirms the email address and lifts a sign-in lockout.

    Args:
        body (ResetPasswordRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | MessageEnvelope]
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
    body: ResetPasswordRequest,
) -> ErrorEnvelope | MessageEnvelope | None:
    """Set a new password with the token from the emailed link; every session ends.

     A bad, used or expired token is 400 AUTH_RESET_TOKEN_INVALID_024; the new
    password follows the registration rules (400 REQUEST_VALIDATION_FAILED_004).
    A reset also confirms the email address and lifts a sign-in lockout.

    Args:
        body (ResetPasswordRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | MessageEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ResetPasswordRequest,
) -> Response[ErrorEnvelope | MessageEnvelope]:
    """Set a new password with the token from the emailed link; every session ends.

     A bad, used or expired token is 400 AUTH_RESET_TOKEN_INVALID_024; the new
    password follows the registration rules (400 REQUEST_VALIDATION_FAILED_004).
    A reset also confirms the email address and lifts a sign-in lockout.

    Args:
        body (ResetPasswordRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | MessageEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ResetPasswordRequest,
) -> ErrorEnvelope | MessageEnvelope | None:
    """Set a new password with the token from the emailed link; every session ends.

     A bad, used or expired token is 400 AUTH_RESET_TOKEN_INVALID_024; the new
    password follows the registration rules (400 REQUEST_VALIDATION_FAILED_004).
    A reset also confirms the email address and lifts a sign-in lockout.

    Args:
        body (ResetPasswordRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | MessageEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
