from http import HTTPStatus
from typing import Any

import httpx

from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.mfa_code_request import MfaCodeRequest
from ...models.recovery_codes_envelope import RecoveryCodesEnvelope
from ...types import Response


def _get_kwargs(
    *,
    body: MfaCodeRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/auth/mfa/totp/confirm",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | RecoveryCodesEnvelope:
    if response.status_code == 200:
        response_200 = RecoveryCodesEnvelope.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

    response_default = ErrorEnvelope.from_dict(response.json())

    return response_default


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | RecoveryCodesEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: MfaCodeRequest,
) -> Response[ErrorEnvelope | RecoveryCodesEnvelope]:
    """Turn two-factor sign-in on with a code from the app just set up: ten recovery codes.

     The recovery codes are shown this once; keep them safe. 401
    AUTH_MFA_CODE_INVALID_034 for a wrong code (or no setup pending).

    Args:
        body (MfaCodeRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | RecoveryCodesEnvelope]
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
    body: MfaCodeRequest,
) -> ErrorEnvelope | RecoveryCodesEnvelope | None:
    """Turn two-factor sign-in on with a code from the app just set up: ten recovery codes.

     The recovery codes are shown this once; keep them safe. 401
    AUTH_MFA_CODE_INVALID_034 for a wrong code (or no setup pending).

    Args:
        body (MfaCodeRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | RecoveryCodesEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: MfaCodeRequest,
) -> Response[ErrorEnvelope | RecoveryCodesEnvelope]:
    """Turn two-factor sign-in on with a code from the app just set up: ten recovery codes.

     The recovery codes are shown this once; keep them safe. 401
    AUTH_MFA_CODE_INVALID_034 for a wrong code (or no setup pending).

    Args:
        body (MfaCodeRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | RecoveryCodesEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: MfaCodeRequest,
) -> ErrorEnvelope | RecoveryCodesEnvelope | None:
    """Turn two-factor sign-in on with a code from the app just set up: ten recovery codes.

     The recovery codes are shown this once; keep them safe. 401
    AUTH_MFA_CODE_INVALID_034 for a wrong code (or no setup pending).

    Args:
        body (MfaCodeRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | RecoveryCodesEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
