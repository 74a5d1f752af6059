from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.change_password_request import ChangePasswordRequest
from ...models.error_envelope import ErrorEnvelope
from ...models.message_envelope import MessageEnvelope
from ...types import Response


def _get_kwargs(
    *,
    body: ChangePasswordRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/change-password",
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

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

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
    client: AuthenticatedClient,
    body: ChangePasswordRequest,
) -> Response[ErrorEnvelope | MessageEnvelope]:
    """Change the password, given the current one; your other sessions end, this one stays.

     A wrong current password is 400 AUTH_PASSWORD_INCORRECT_025 and counts as a
    failed sign-in toward the lockout (429 AUTH_ACCOUNT_LOCKED_022 with
    Retry-After while the account is locked). An account without a password
    (created through an identity provider) sets its first one without
    `current_password`, from a fresh session (403 AUTH_REAUTH_REQUIRED_033).

    Args:
        body (ChangePasswordRequest):

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
    client: AuthenticatedClient,
    body: ChangePasswordRequest,
) -> ErrorEnvelope | MessageEnvelope | None:
    """Change the password, given the current one; your other sessions end, this one stays.

     A wrong current password is 400 AUTH_PASSWORD_INCORRECT_025 and counts as a
    failed sign-in toward the lockout (429 AUTH_ACCOUNT_LOCKED_022 with
    Retry-After while the account is locked). An account without a password
    (created through an identity provider) sets its first one without
    `current_password`, from a fresh session (403 AUTH_REAUTH_REQUIRED_033).

    Args:
        body (ChangePasswordRequest):

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
    client: AuthenticatedClient,
    body: ChangePasswordRequest,
) -> Response[ErrorEnvelope | MessageEnvelope]:
    """Change the password, given the current one; your other sessions end, this one stays.

     A wrong current password is 400 AUTH_PASSWORD_INCORRECT_025 and counts as a
    failed sign-in toward the lockout (429 AUTH_ACCOUNT_LOCKED_022 with
    Retry-After while the account is locked). An account without a password
    (created through an identity provider) sets its first one without
    `current_password`, from a fresh session (403 AUTH_REAUTH_REQUIRED_033).

    Args:
        body (ChangePasswordRequest):

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
    client: AuthenticatedClient,
    body: ChangePasswordRequest,
) -> ErrorEnvelope | MessageEnvelope | None:
    """Change the password, given the current one; your other sessions end, this one stays.

     A wrong current password is 400 AUTH_PASSWORD_INCORRECT_025 and counts as a
    failed sign-in toward the lockout (429 AUTH_ACCOUNT_LOCKED_022 with
    Retry-After while the account is locked). An account without a password
    (created through an identity provider) sets its first one without
    `current_password`, from a fresh session (403 AUTH_REAUTH_REQUIRED_033).

    Args:
        body (ChangePasswordRequest):

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
