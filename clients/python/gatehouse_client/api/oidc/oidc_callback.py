from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    provider: str,
    *,
    state: str,
    code: str | Unset = UNSET,
    error: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["state"] = state

    params["code"] = code

    params["error"] = error

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/auth/oidc/{provider}/callback".format(
            provider=quote(str(provider), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ErrorEnvelope:
    if response.status_code == 302:
        response_302 = cast(Any, None)
        return response_302

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

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
    provider: str,
    *,
    client: AuthenticatedClient | Client,
    state: str,
    code: str | Unset = UNSET,
    error: str | Unset = UNSET,
) -> Response[Any | ErrorEnvelope]:
    """Where the provider sends the browser back (register this URL at the provider).

     400 AUTH_OIDC_STATE_INVALID_058 when `state` is unknown, used, expired or
    was started in another browser; every other failure goes back to
    `redirect_uri` with `error=<CODE>` (AUTH_OIDC_PROVIDER_FAILED_059,
    AUTH_OIDC_LINK_REQUIRED_040, AUTH_OIDC_IDENTITY_REFUSED_060, ...).

    Args:
        provider (str):
        state (str):
        code (str | Unset):
        error (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        provider=provider,
        state=state,
        code=code,
        error=error,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    provider: str,
    *,
    client: AuthenticatedClient | Client,
    state: str,
    code: str | Unset = UNSET,
    error: str | Unset = UNSET,
) -> Any | ErrorEnvelope | None:
    """Where the provider sends the browser back (register this URL at the provider).

     400 AUTH_OIDC_STATE_INVALID_058 when `state` is unknown, used, expired or
    was started in another browser; every other failure goes back to
    `redirect_uri` with `error=<CODE>` (AUTH_OIDC_PROVIDER_FAILED_059,
    AUTH_OIDC_LINK_REQUIRED_040, AUTH_OIDC_IDENTITY_REFUSED_060, ...).

    Args:
        provider (str):
        state (str):
        code (str | Unset):
        error (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return sync_detailed(
        provider=provider,
        client=client,
        state=state,
        code=code,
        error=error,
    ).parsed


async def asyncio_detailed(
    provider: str,
    *,
    client: AuthenticatedClient | Client,
    state: str,
    code: str | Unset = UNSET,
    error: str | Unset = UNSET,
) -> Response[Any | ErrorEnvelope]:
    """Where the provider sends the browser back (register this URL at the provider).

     400 AUTH_OIDC_STATE_INVALID_058 when `state` is unknown, used, expired or
    was started in another browser; every other failure goes back to
    `redirect_uri` with `error=<CODE>` (AUTH_OIDC_PROVIDER_FAILED_059,
    AUTH_OIDC_LINK_REQUIRED_040, AUTH_OIDC_IDENTITY_REFUSED_060, ...).

    Args:
        provider (str):
        state (str):
        code (str | Unset):
        error (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        provider=provider,
        state=state,
        code=code,
        error=error,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    provider: str,
    *,
    client: AuthenticatedClient | Client,
    state: str,
    code: str | Unset = UNSET,
    error: str | Unset = UNSET,
) -> Any | ErrorEnvelope | None:
    """Where the provider sends the browser back (register this URL at the provider).

     400 AUTH_OIDC_STATE_INVALID_058 when `state` is unknown, used, expired or
    was started in another browser; every other failure goes back to
    `redirect_uri` with `error=<CODE>` (AUTH_OIDC_PROVIDER_FAILED_059,
    AUTH_OIDC_LINK_REQUIRED_040, AUTH_OIDC_IDENTITY_REFUSED_060, ...).

    Args:
        provider (str):
        state (str):
        code (str | Unset):
        error (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            provider=provider,
            client=client,
            state=state,
            code=code,
            error=error,
        )
    ).parsed
