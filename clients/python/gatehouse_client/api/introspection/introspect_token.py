from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.introspection import Introspection
from ...models.introspection_request import IntrospectionRequest
from ...types import Response


def _get_kwargs(
    *,
    body: IntrospectionRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/introspect",
    }

    _kwargs["data"] = body.to_dict()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorEnvelope | Introspection:
    if response.status_code == 200:
        response_200 = Introspection.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | Introspection]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: IntrospectionRequest,
) -> Response[ErrorEnvelope | Introspection]:
    """Whether a token is a live access token (RFC 7662), for a service that must see revocations at once.

     Authenticated with `Authorization: Bearer <INTROSPECTION_TOKEN>`; off (404) while that is unset.
    The answer is RFC 7662's, not the envelope: `{"active": false}` for anything but an access
    token of a live session of an active user.

    Args:
        body (IntrospectionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Introspection]
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
    body: IntrospectionRequest,
) -> ErrorEnvelope | Introspection | None:
    """Whether a token is a live access token (RFC 7662), for a service that must see revocations at once.

     Authenticated with `Authorization: Bearer <INTROSPECTION_TOKEN>`; off (404) while that is unset.
    The answer is RFC 7662's, not the envelope: `{"active": false}` for anything but an access
    token of a live session of an active user.

    Args:
        body (IntrospectionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Introspection
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: IntrospectionRequest,
) -> Response[ErrorEnvelope | Introspection]:
    """Whether a token is a live access token (RFC 7662), for a service that must see revocations at once.

     Authenticated with `Authorization: Bearer <INTROSPECTION_TOKEN>`; off (404) while that is unset.
    The answer is RFC 7662's, not the envelope: `{"active": false}` for anything but an access
    token of a live session of an active user.

    Args:
        body (IntrospectionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Introspection]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: IntrospectionRequest,
) -> ErrorEnvelope | Introspection | None:
    """Whether a token is a live access token (RFC 7662), for a service that must see revocations at once.

     Authenticated with `Authorization: Bearer <INTROSPECTION_TOKEN>`; off (404) while that is unset.
    The answer is RFC 7662's, not the envelope: `{"active": false}` for anything but an access
    token of a live session of an active user.

    Args:
        body (IntrospectionRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Introspection
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
