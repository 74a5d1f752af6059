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
    redirect_uri: str | Unset = UNSET,
    link: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["redirect_uri"] = redirect_uri

    params["link"] = link

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/auth/oidc/{provider}/authorize".format(
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

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

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
    redirect_uri: str | Unset = UNSET,
    link: str | Unset = UNSET,
) -> Response[Any | ErrorEnvelope]:
    """Start signing in with a provider: a browser navigation, answered with a redirect.

     Open it in the browser (not with fetch): it sets a cookie binding the
    round trip to this browser, then sends it to the provider with `state`,
    `nonce` and PKCE (S256). The browser comes back to `redirect_uri` with
    `gatehouse_code=…` (POST it to /auth/oidc/exchange) or `error=<CODE>`.
    400 REQUEST_VALIDATION_FAILED_004 when `redirect_uri` is not on
    OIDC_REDIRECT_ALLOWLIST; 400 AUTH_OIDC_STATE_INVALID_058 for a used or
    expired link ticket; 404 for an unknown provider.

    Args:
        provider (str):
        redirect_uri (str | Unset):  Example: http://localhost:5000/signed-in.
        link (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        provider=provider,
        redirect_uri=redirect_uri,
        link=link,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    provider: str,
    *,
    client: AuthenticatedClient | Client,
    redirect_uri: str | Unset = UNSET,
    link: str | Unset = UNSET,
) -> Any | ErrorEnvelope | None:
    """Start signing in with a provider: a browser navigation, answered with a redirect.

     Open it in the browser (not with fetch): it sets a cookie binding the
    round trip to this browser, then sends it to the provider with `state`,
    `nonce` and PKCE (S256). The browser comes back to `redirect_uri` with
    `gatehouse_code=…` (POST it to /auth/oidc/exchange) or `error=<CODE>`.
    400 REQUEST_VALIDATION_FAILED_004 when `redirect_uri` is not on
    OIDC_REDIRECT_ALLOWLIST; 400 AUTH_OIDC_STATE_INVALID_058 for a used or
    expired link ticket; 404 for an unknown provider.

    Args:
        provider (str):
        redirect_uri (str | Unset):  Example: http://localhost:5000/signed-in.
        link (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return sync_detailed(
        provider=provider,
        client=client,
        redirect_uri=redirect_uri,
        link=link,
    ).parsed


async def asyncio_detailed(
    provider: str,
    *,
    client: AuthenticatedClient | Client,
    redirect_uri: str | Unset = UNSET,
    link: str | Unset = UNSET,
) -> Response[Any | ErrorEnvelope]:
    """Start signing in with a provider: a browser navigation, answered with a redirect.

     Open it in the browser (not with fetch): it sets a cookie binding the
    round trip to this browser, then sends it to the provider with `state`,
    `nonce` and PKCE (S256). The browser comes back to `redirect_uri` with
    `gatehouse_code=…` (POST it to /auth/oidc/exchange) or `error=<CODE>`.
    400 REQUEST_VALIDATION_FAILED_004 when `redirect_uri` is not on
    OIDC_REDIRECT_ALLOWLIST; 400 AUTH_OIDC_STATE_INVALID_058 for a used or
    expired link ticket; 404 for an unknown provider.

    Args:
        provider (str):
        redirect_uri (str | Unset):  Example: http://localhost:5000/signed-in.
        link (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        provider=provider,
        redirect_uri=redirect_uri,
        link=link,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    provider: str,
    *,
    client: AuthenticatedClient | Client,
    redirect_uri: str | Unset = UNSET,
    link: str | Unset = UNSET,
) -> Any | ErrorEnvelope | None:
    """Start signing in with a provider: a browser navigation, answered with a redirect.

     Open it in the browser (not with fetch): it sets a cookie binding the
    round trip to this browser, then sends it to the provider with `state`,
    `nonce` and PKCE (S256). The browser comes back to `redirect_uri` with
    `gatehouse_code=…` (POST it to /auth/oidc/exchange) or `error=<CODE>`.
    400 REQUEST_VALIDATION_FAILED_004 when `redirect_uri` is not on
    OIDC_REDIRECT_ALLOWLIST; 400 AUTH_OIDC_STATE_INVALID_058 for a used or
    expired link ticket; 404 for an unknown provider.

    Args:
        provider (str):
        redirect_uri (str | Unset):  Example: http://localhost:5000/signed-in.
        link (str | Unset):

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
            redirect_uri=redirect_uri,
            link=link,
        )
    ).parsed
