from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.user_envelope import UserEnvelope
from ...models.verify_email_request import VerifyEmailRequest
from ...types import Response


def _get_kwargs(
    *,
    body: VerifyEmailRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/verify-email",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorEnvelope | UserEnvelope:
    if response.status_code == 200:
        response_200 = UserEnvelope.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

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
) -> Response[ErrorEnvelope | UserEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: VerifyEmailRequest,
) -> Response[ErrorEnvelope | UserEnvelope]:
    """Confirm an email address with the token from the emailed link.

     Also confirms an email change (the account moves to the new address);
    409 AUTH_EMAIL_EXISTS_003 if that address was taken meanwhile. A bad,
    used or expired token is 400 AUTH_VERIFICATION_TOKEN_INVALID_023.

    Args:
        body (VerifyEmailRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | UserEnvelope]
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
    body: VerifyEmailRequest,
) -> ErrorEnvelope | UserEnvelope | None:
    """Confirm an email address with the token from the emailed link.

     Also confirms an email change (the account moves to the new address);
    409 AUTH_EMAIL_EXISTS_003 if that address was taken meanwhile. A bad,
    used or expired token is 400 AUTH_VERIFICATION_TOKEN_INVALID_023.

    Args:
        body (VerifyEmailRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | UserEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: VerifyEmailRequest,
) -> Response[ErrorEnvelope | UserEnvelope]:
    """Confirm an email address with the token from the emailed link.

     Also confirms an email change (the account moves to the new address);
    409 AUTH_EMAIL_EXISTS_003 if that address was taken meanwhile. A bad,
    used or expired token is 400 AUTH_VERIFICATION_TOKEN_INVALID_023.

    Args:
        body (VerifyEmailRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | UserEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: VerifyEmailRequest,
) -> ErrorEnvelope | UserEnvelope | None:
    """Confirm an email address with the token from the emailed link.

     Also confirms an email change (the account moves to the new address);
    409 AUTH_EMAIL_EXISTS_003 if that address was taken meanwhile. A bad,
    used or expired token is 400 AUTH_VERIFICATION_TOKEN_INVALID_023.

    Args:
        body (VerifyEmailRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | UserEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
