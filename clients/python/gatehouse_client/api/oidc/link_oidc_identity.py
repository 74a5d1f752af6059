from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.oidc_link import OidcLink
from ...models.oidc_link_start_envelope import OidcLinkStartEnvelope
from ...types import Response


def _get_kwargs(
    provider: str,
    *,
    body: OidcLink,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/oidc/{provider}/link".format(
            provider=quote(str(provider), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | OidcLinkStartEnvelope:
    if response.status_code == 200:
        response_200 = OidcLinkStartEnvelope.from_dict(response.json())

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

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | OidcLinkStartEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    provider: str,
    *,
    client: AuthenticatedClient,
    body: OidcLink,
) -> Response[ErrorEnvelope | OidcLinkStartEnvelope]:
    """Start linking a provider to your account: an `authorize_url` to open in the browser.

     Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033). The browser comes
    back to `redirect_uri` with `linked=<provider>`, or with
    `error=AUTH_OIDC_IDENTITY_REFUSED_060` when that identity is linked to
    another account. A security email tells you of the new link.

    Args:
        provider (str):
        body (OidcLink):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | OidcLinkStartEnvelope]
    """

    kwargs = _get_kwargs(
        provider=provider,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    provider: str,
    *,
    client: AuthenticatedClient,
    body: OidcLink,
) -> ErrorEnvelope | OidcLinkStartEnvelope | None:
    """Start linking a provider to your account: an `authorize_url` to open in the browser.

     Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033). The browser comes
    back to `redirect_uri` with `linked=<provider>`, or with
    `error=AUTH_OIDC_IDENTITY_REFUSED_060` when that identity is linked to
    another account. A security email tells you of the new link.

    Args:
        provider (str):
        body (OidcLink):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | OidcLinkStartEnvelope
    """

    return sync_detailed(
        provider=provider,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    provider: str,
    *,
    client: AuthenticatedClient,
    body: OidcLink,
) -> Response[ErrorEnvelope | OidcLinkStartEnvelope]:
    """Start linking a provider to your account: an `authorize_url` to open in the browser.

     Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033). The browser comes
    back to `redirect_uri` with `linked=<provider>`, or with
    `error=AUTH_OIDC_IDENTITY_REFUSED_060` when that identity is linked to
    another account. A security email tells you of the new link.

    Args:
        provider (str):
        body (OidcLink):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | OidcLinkStartEnvelope]
    """

    kwargs = _get_kwargs(
        provider=provider,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    provider: str,
    *,
    client: AuthenticatedClient,
    body: OidcLink,
) -> ErrorEnvelope | OidcLinkStartEnvelope | None:
    """Start linking a provider to your account: an `authorize_url` to open in the browser.

     Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033). The browser comes
    back to `redirect_uri` with `linked=<provider>`, or with
    `error=AUTH_OIDC_IDENTITY_REFUSED_060` when that identity is linked to
    another account. A security email tells you of the new link.

    Args:
        provider (str):
        body (OidcLink):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | OidcLinkStartEnvelope
    """

    return (
        await asyncio_detailed(
            provider=provider,
            client=client,
            body=body,
        )
    ).parsed
