from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...types import Response


def _get_kwargs(
    passkey_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/v1/auth/passkeys/{passkey_id}".format(
            passkey_id=quote(str(passkey_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ErrorEnvelope:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    passkey_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Any | ErrorEnvelope]:
    """Remove one of your passkeys; it signs in no more (404 AUTH_PASSKEY_NOT_FOUND_054 otherwise).

     Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033); 409
    AUTH_LAST_SIGN_IN_METHOD_041 when it is your last way to sign in (set a
    password, add another passkey or link an identity provider first).

    Args:
        passkey_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        passkey_id=passkey_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    passkey_id: str,
    *,
    client: AuthenticatedClient,
) -> Any | ErrorEnvelope | None:
    """Remove one of your passkeys; it signs in no more (404 AUTH_PASSKEY_NOT_FOUND_054 otherwise).

     Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033); 409
    AUTH_LAST_SIGN_IN_METHOD_041 when it is your last way to sign in (set a
    password, add another passkey or link an identity provider first).

    Args:
        passkey_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return sync_detailed(
        passkey_id=passkey_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    passkey_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Any | ErrorEnvelope]:
    """Remove one of your passkeys; it signs in no more (404 AUTH_PASSKEY_NOT_FOUND_054 otherwise).

     Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033); 409
    AUTH_LAST_SIGN_IN_METHOD_041 when it is your last way to sign in (set a
    password, add another passkey or link an identity provider first).

    Args:
        passkey_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        passkey_id=passkey_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    passkey_id: str,
    *,
    client: AuthenticatedClient,
) -> Any | ErrorEnvelope | None:
    """Remove one of your passkeys; it signs in no more (404 AUTH_PASSKEY_NOT_FOUND_054 otherwise).

     Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033); 409
    AUTH_LAST_SIGN_IN_METHOD_041 when it is your last way to sign in (set a
    password, add another passkey or link an identity provider first).

    Args:
        passkey_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            passkey_id=passkey_id,
            client=client,
        )
    ).parsed
