from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.email_request import EmailRequest
from ...models.error_envelope import ErrorEnvelope
from ...models.message_envelope import MessageEnvelope
from ...types import Response


def _get_kwargs(
    *,
    body: EmailRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/forgot-password",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | MessageEnvelope:
    if response.status_code == 202:
        response_202 = MessageEnvelope.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

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
    body: EmailRequest,
) -> Response[ErrorEnvelope | MessageEnvelope]:
    """Email a password reset link (single use, valid one hour).

     The answer is the same 202 whether or not an account uses the address,
    and also when the address has had a link within the last minute (or 5
    within the hour), in which case no new email is sent. 429 after 3
    requests a minute from one IP.

    Args:
        body (EmailRequest):

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
    body: EmailRequest,
) -> ErrorEnvelope | MessageEnvelope | None:
    """Email a password reset link (single use, valid one hour).

     The answer is the same 202 whether or not an account uses the address,
    and also when the address has had a link within the last minute (or 5
    within the hour), in which case no new email is sent. 429 after 3
    requests a minute from one IP.

    Args:
        body (EmailRequest):

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
    body: EmailRequest,
) -> Response[ErrorEnvelope | MessageEnvelope]:
    """Email a password reset link (single use, valid one hour).

     The answer is the same 202 whether or not an account uses the address,
    and also when the address has had a link within the last minute (or 5
    within the hour), in which case no new email is sent. 429 after 3
    requests a minute from one IP.

    Args:
        body (EmailRequest):

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
    body: EmailRequest,
) -> ErrorEnvelope | MessageEnvelope | None:
    """Email a password reset link (single use, valid one hour).

     The answer is the same 202 whether or not an account uses the address,
    and also when the address has had a link within the last minute (or 5
    within the hour), in which case no new email is sent. 429 after 3
    requests a minute from one IP.

    Args:
        body (EmailRequest):

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
