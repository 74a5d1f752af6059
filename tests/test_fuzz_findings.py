"""What schemathesis found, pinned as plain regression tests."""

import pytest


@pytest.mark.parametrize(
    "body",
    [
        {"full_name": "Null\x00Byte"},  # was a 500: PostgreSQL text cannot hold NUL
        {"full_name": "  " + "x" * 254},  # longer than the documented maxLength as sent
    ],
    ids=["nul-in-name", "over-long-before-trimming"],
)
def test_bad_names_are_400_not_500(client, make_user, sign_in, body):
    headers = sign_in(make_user())
    response = client.patch("/api/v1/users/me", headers=headers, json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "full_name"


def test_the_document_states_the_rules_the_schemas_enforce(client):
    spec = client.get("/api/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert "pattern" in schemas["MeUpdate"]["properties"]["full_name"]


@pytest.mark.parametrize("event_type", ["#\x00c", "no-such-event"], ids=["nul", "unknown"])
def test_audit_filter_by_an_unknown_event_type_is_400_not_500(client, make_user, sign_in, event_type):
    headers = sign_in(make_user(is_admin=True))
    response = client.get("/api/v1/admin/audit", headers=headers, query_string={"event_type": event_type})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "event_type"
