"""Login with Amazon on the sandbox, and the access token that SP-API calls need."""

import base64

import httpx
from sandbox_testkit import token_for

from sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN

ORDERS = "/vendor/orders/v1/purchaseOrders"


def grant(**changes: str) -> dict[str, str]:
    fields = {
        "grant_type": "refresh_token",
        "refresh_token": SANDBOX_REFRESH_TOKEN,
        "client_id": SANDBOX_CLIENT_ID,
        "client_secret": SANDBOX_CLIENT_SECRET,
    }
    fields.update(changes)
    return fields


def test_form_grant_returns_bearer_token(server):
    response = httpx.post(server.base_url + "/auth/o2/token", data=grant())
    body = response.json()

    assert response.status_code == 200
    assert body["access_token"].startswith("Atza|")
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert response.headers["x-amzn-RequestId"]


def test_json_grant_is_accepted(server):
    response = httpx.post(server.base_url + "/auth/o2/token", json=grant())

    assert response.status_code == 200
    assert response.json()["access_token"].startswith("Atza|")


def test_basic_client_authentication_is_accepted(server):
    fields = grant()
    credentials = base64.b64encode(f"{fields.pop('client_id')}:{fields.pop('client_secret')}".encode()).decode()
    response = httpx.post(server.base_url + "/auth/o2/token", data=fields, headers={"Authorization": f"Basic {credentials}"})

    assert response.status_code == 200


def test_wrong_refresh_token_is_invalid_grant(server):
    response = httpx.post(server.base_url + "/auth/o2/token", data=grant(refresh_token="Atzr|not-the-sandbox-token"))

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert "listed in the README" in response.json()["error_description"]
    assert "Atzr|acorn-sandbox-refresh-token" not in response.text


def test_wrong_client_secret_is_invalid_client(server):
    response = httpx.post(server.base_url + "/auth/o2/token", data=grant(client_secret="wrong-secret"))

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert "client_id amzn1.application-oa2-client.acornsandbox" in response.json()["error_description"]
    assert "wrong-secret" not in response.text
    assert "acorn-sandbox-client-secret" not in response.text


def test_other_grant_type_is_rejected(server):
    response = httpx.post(server.base_url + "/auth/o2/token", data=grant(grant_type="client_credentials"))

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_call_with_token_succeeds(server):
    response = httpx.get(server.base_url + ORDERS, headers={"x-amz-access-token": token_for(server.base_url)})

    assert response.status_code == 200


def test_missing_token_is_unauthorized(server):
    response = httpx.get(server.base_url + ORDERS)
    error = response.json()["errors"][0]

    assert response.status_code == 403
    assert error["code"] == "Unauthorized"
    assert error["message"] == "Access to requested resource is denied."
    assert "missing" in error["details"]
    assert "x-amzn-RateLimit-Limit" not in response.headers


def test_unknown_token_is_unauthorized(server):
    response = httpx.get(server.base_url + ORDERS, headers={"x-amz-access-token": "Atza|made-up"})

    assert response.status_code == 403
    assert "revoked, malformed or unknown" in response.json()["errors"][0]["details"]


def test_expired_token_is_unauthorized(start_server):
    server = start_server(token_lifetime_seconds=0)
    token = token_for(server.base_url)

    response = httpx.get(server.base_url + ORDERS, headers={"x-amz-access-token": token})

    assert response.status_code == 403
    assert "expired" in response.json()["errors"][0]["details"]
