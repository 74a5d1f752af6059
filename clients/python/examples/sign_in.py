import os

from gatehouse_client import AuthenticatedClient, Client
from gatehouse_client.api.auth import login
from gatehouse_client.api.users import get_me
from gatehouse_client.models import ErrorEnvelope, LoginRequest, MfaChallenge

url = os.environ.get("GATEHOUSE_URL", "http://127.0.0.1:5000")
body = LoginRequest(email=os.environ["GATEHOUSE_EMAIL"], password=os.environ["GATEHOUSE_PASSWORD"])
signed_in = login.sync(client=Client(base_url=url), body=body)
if isinstance(signed_in, ErrorEnvelope):
    raise SystemExit(f"sign-in failed: {signed_in.error.code}")
if isinstance(signed_in.data, MfaChallenge):  # two-factor sign-in is on: the second step is login_mfa
    raise SystemExit("this account needs a code: POST /api/v1/auth/login/mfa with data.mfa_token")
me = get_me.sync(client=AuthenticatedClient(base_url=url, token=signed_in.data.access_token))
print(me.data.id, me.data.email)
