"""Contains all the data models used in inputs/outputs"""

from .assertion_response import AssertionResponse
from .attestation_response import AttestationResponse
from .audit_event import AuditEvent
from .audit_event_details import AuditEventDetails
from .audit_event_type import AuditEventType
from .audit_page import AuditPage
from .audit_page_status import AuditPageStatus
from .audit_pagination import AuditPagination
from .authentication_credential import AuthenticationCredential
from .authentication_credential_client_extension_results import AuthenticationCredentialClientExtensionResults
from .authentication_credential_type import AuthenticationCredentialType
from .caller_flags import CallerFlags
from .caller_flags_envelope import CallerFlagsEnvelope
from .caller_flags_envelope_status import CallerFlagsEnvelopeStatus
from .caller_flags_flags import CallerFlagsFlags
from .change_password_request import ChangePasswordRequest
from .checks import Checks
from .creation_options import CreationOptions
from .creation_options_authenticator_selection import CreationOptionsAuthenticatorSelection
from .creation_options_envelope import CreationOptionsEnvelope
from .creation_options_envelope_status import CreationOptionsEnvelopeStatus
from .creation_options_exclude_credentials_item import CreationOptionsExcludeCredentialsItem
from .creation_options_pub_key_cred_params_item import CreationOptionsPubKeyCredParamsItem
from .creation_options_rp import CreationOptionsRp
from .creation_options_user import CreationOptionsUser
from .email_request import EmailRequest
from .error_body import ErrorBody
from .error_detail import ErrorDetail
from .error_envelope import ErrorEnvelope
from .error_envelope_status import ErrorEnvelopeStatus
from .flag import Flag
from .flag_envelope import FlagEnvelope
from .flag_envelope_status import FlagEnvelopeStatus
from .flag_list_envelope import FlagListEnvelope
from .flag_list_envelope_status import FlagListEnvelopeStatus
from .flag_source import FlagSource
from .flag_update_request import FlagUpdateRequest
from .health import Health
from .health_status import HealthStatus
from .introspection import Introspection
from .introspection_request import IntrospectionRequest
from .introspection_token_type import IntrospectionTokenType
from .jwk import Jwk
from .jwk_alg import JwkAlg
from .jwk_crv import JwkCrv
from .jwk_kty import JwkKty
from .jwk_use import JwkUse
from .jwks import Jwks
from .login_answer_envelope import LoginAnswerEnvelope
from .login_answer_envelope_status import LoginAnswerEnvelopeStatus
from .login_request import LoginRequest
from .login_result import LoginResult
from .login_result_envelope import LoginResultEnvelope
from .login_result_envelope_status import LoginResultEnvelopeStatus
from .login_result_token_type import LoginResultTokenType
from .me_update_request import MeUpdateRequest
from .me_update_result import MeUpdateResult
from .me_update_result_envelope import MeUpdateResultEnvelope
from .me_update_result_envelope_status import MeUpdateResultEnvelopeStatus
from .message_envelope import MessageEnvelope
from .message_envelope_status import MessageEnvelopeStatus
from .mfa_challenge import MfaChallenge
from .mfa_code_request import MfaCodeRequest
from .mfa_login_request import MfaLoginRequest
from .mfa_login_request_credential import MfaLoginRequestCredential
from .mfa_status import MfaStatus
from .mfa_status_envelope import MfaStatusEnvelope
from .mfa_status_envelope_status import MfaStatusEnvelopeStatus
from .my_account import MyAccount
from .my_account_envelope import MyAccountEnvelope
from .my_account_envelope_status import MyAccountEnvelopeStatus
from .not_ready import NotReady
from .not_ready_status import NotReadyStatus
from .oidc_exchange import OidcExchange
from .oidc_identity import OidcIdentity
from .oidc_identity_list_envelope import OidcIdentityListEnvelope
from .oidc_identity_list_envelope_status import OidcIdentityListEnvelopeStatus
from .oidc_link import OidcLink
from .oidc_link_start import OidcLinkStart
from .oidc_link_start_envelope import OidcLinkStartEnvelope
from .oidc_link_start_envelope_status import OidcLinkStartEnvelopeStatus
from .oidc_provider import OidcProvider
from .oidc_provider_list_envelope import OidcProviderListEnvelope
from .oidc_provider_list_envelope_status import OidcProviderListEnvelopeStatus
from .override import Override
from .pagination import Pagination
from .pagination_metadata import PaginationMetadata
from .passkey import Passkey
from .passkey_envelope import PasskeyEnvelope
from .passkey_envelope_status import PasskeyEnvelopeStatus
from .passkey_list_envelope import PasskeyListEnvelope
from .passkey_list_envelope_status import PasskeyListEnvelopeStatus
from .passkey_login import PasskeyLogin
from .passkey_login_options import PasskeyLoginOptions
from .profile import Profile
from .profile_envelope import ProfileEnvelope
from .profile_envelope_status import ProfileEnvelopeStatus
from .profile_preferences import ProfilePreferences
from .profile_update_request import ProfileUpdateRequest
from .profile_update_request_preferences import ProfileUpdateRequestPreferences
from .ready import Ready
from .ready_status import ReadyStatus
from .reauthenticate import Reauthenticate
from .reauthenticate_credential import ReauthenticateCredential
from .recovery_codes import RecoveryCodes
from .recovery_codes_envelope import RecoveryCodesEnvelope
from .recovery_codes_envelope_status import RecoveryCodesEnvelopeStatus
from .refresh_request import RefreshRequest
from .register_passkey import RegisterPasskey
from .register_request import RegisterRequest
from .registered_user import RegisteredUser
from .registered_user_envelope import RegisteredUserEnvelope
from .registered_user_envelope_status import RegisteredUserEnvelopeStatus
from .registration_credential import RegistrationCredential
from .registration_credential_client_extension_results import RegistrationCredentialClientExtensionResults
from .registration_credential_type import RegistrationCredentialType
from .rename_passkey import RenamePasskey
from .request_options import RequestOptions
from .request_options_allow_credentials_item import RequestOptionsAllowCredentialsItem
from .request_options_envelope import RequestOptionsEnvelope
from .request_options_envelope_status import RequestOptionsEnvelopeStatus
from .request_options_user_verification import RequestOptionsUserVerification
from .reset_password_request import ResetPasswordRequest
from .session import Session
from .session_aal import SessionAal
from .session_list_envelope import SessionListEnvelope
from .session_list_envelope_status import SessionListEnvelopeStatus
from .token_pair import TokenPair
from .token_pair_envelope import TokenPairEnvelope
from .token_pair_envelope_status import TokenPairEnvelopeStatus
from .token_pair_token_type import TokenPairTokenType
from .totp_setup import TotpSetup
from .totp_setup_envelope import TotpSetupEnvelope
from .totp_setup_envelope_status import TotpSetupEnvelopeStatus
from .user import User
from .user_envelope import UserEnvelope
from .user_envelope_status import UserEnvelopeStatus
from .user_list_sort import UserListSort
from .user_page import UserPage
from .user_page_status import UserPageStatus
from .user_update_request import UserUpdateRequest
from .verify_email_request import VerifyEmailRequest

__all__ = (
    "AssertionResponse",
    "AttestationResponse",
    "AuditEvent",
    "AuditEventDetails",
    "AuditEventType",
    "AuditPage",
    "AuditPageStatus",
    "AuditPagination",
    "AuthenticationCredential",
    "AuthenticationCredentialClientExtensionResults",
    "AuthenticationCredentialType",
    "CallerFlags",
    "CallerFlagsEnvelope",
    "CallerFlagsEnvelopeStatus",
    "CallerFlagsFlags",
    "ChangePasswordRequest",
    "Checks",
    "CreationOptions",
    "CreationOptionsAuthenticatorSelection",
    "CreationOptionsEnvelope",
    "CreationOptionsEnvelopeStatus",
    "CreationOptionsExcludeCredentialsItem",
    "CreationOptionsPubKeyCredParamsItem",
    "CreationOptionsRp",
    "CreationOptionsUser",
    "EmailRequest",
    "ErrorBody",
    "ErrorDetail",
    "ErrorEnvelope",
    "ErrorEnvelopeStatus",
    "Flag",
    "FlagEnvelope",
    "FlagEnvelopeStatus",
    "FlagListEnvelope",
    "FlagListEnvelopeStatus",
    "FlagSource",
    "FlagUpdateRequest",
    "Health",
    "HealthStatus",
    "Introspection",
    "IntrospectionRequest",
    "IntrospectionTokenType",
    "Jwk",
    "JwkAlg",
    "JwkCrv",
    "JwkKty",
    "Jwks",
    "JwkUse",
    "LoginAnswerEnvelope",
    "LoginAnswerEnvelopeStatus",
    "LoginRequest",
    "LoginResult",
    "LoginResultEnvelope",
    "LoginResultEnvelopeStatus",
    "LoginResultTokenType",
    "MessageEnvelope",
    "MessageEnvelopeStatus",
    "MeUpdateRequest",
    "MeUpdateResult",
    "MeUpdateResultEnvelope",
    "MeUpdateResultEnvelopeStatus",
    "MfaChallenge",
    "MfaCodeRequest",
    "MfaLoginRequest",
    "MfaLoginRequestCredential",
    "MfaStatus",
    "MfaStatusEnvelope",
    "MfaStatusEnvelopeStatus",
    "MyAccount",
    "MyAccountEnvelope",
    "MyAccountEnvelopeStatus",
    "NotReady",
    "NotReadyStatus",
    "OidcExchange",
    "OidcIdentity",
    "OidcIdentityListEnvelope",
    "OidcIdentityListEnvelopeStatus",
    "OidcLink",
    "OidcLinkStart",
    "OidcLinkStartEnvelope",
    "OidcLinkStartEnvelopeStatus",
    "OidcProvider",
    "OidcProviderListEnvelope",
    "OidcProviderListEnvelopeStatus",
    "Override",
    "Pagination",
    "PaginationMetadata",
    "Passkey",
    "PasskeyEnvelope",
    "PasskeyEnvelopeStatus",
    "PasskeyListEnvelope",
    "PasskeyListEnvelopeStatus",
    "PasskeyLogin",
    "PasskeyLoginOptions",
    "Profile",
    "ProfileEnvelope",
    "ProfileEnvelopeStatus",
    "ProfilePreferences",
    "ProfileUpdateRequest",
    "ProfileUpdateRequestPreferences",
    "Ready",
    "ReadyStatus",
    "Reauthenticate",
    "ReauthenticateCredential",
    "RecoveryCodes",
    "RecoveryCodesEnvelope",
    "RecoveryCodesEnvelopeStatus",
    "RefreshRequest",
    "RegisteredUser",
    "RegisteredUserEnvelope",
    "RegisteredUserEnvelopeStatus",
    "RegisterPasskey",
    "RegisterRequest",
    "RegistrationCredential",
    "RegistrationCredentialClientExtensionResults",
    "RegistrationCredentialType",
    "RenamePasskey",
    "RequestOptions",
    "RequestOptionsAllowCredentialsItem",
    "RequestOptionsEnvelope",
    "RequestOptionsEnvelopeStatus",
    "RequestOptionsUserVerification",
    "ResetPasswordRequest",
    "Session",
    "SessionAal",
    "SessionListEnvelope",
    "SessionListEnvelopeStatus",
    "TokenPair",
    "TokenPairEnvelope",
    "TokenPairEnvelopeStatus",
    "TokenPairTokenType",
    "TotpSetup",
    "TotpSetupEnvelope",
    "TotpSetupEnvelopeStatus",
    "User",
    "UserEnvelope",
    "UserEnvelopeStatus",
    "UserListSort",
    "UserPage",
    "UserPageStatus",
    "UserUpdateRequest",
    "VerifyEmailRequest",
)
