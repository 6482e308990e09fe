"""Login with Amazon (LWA): the refresh-token grant, and the access tokens SP-API calls carry."""

import base64
import binascii
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from sandbox.config import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN

TOKEN_EXPIRED = "The access token has expired; request a new one from /auth/o2/token."
TOKEN_INVALID = "The access token is revoked, malformed or unknown; request a new one from /auth/o2/token."
TOKEN_MISSING = "The x-amz-access-token header is missing; send the access token from /auth/o2/token in it."


class LwaError(Exception):
    """A rejected token request, sent back as `{"error", "error_description"}`."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip()).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise LwaError(400, "invalid_request", "The Authorization header is not valid Basic credentials.") from None
    client_id, _, client_secret = decoded.partition(":")
    return client_id, client_secret


class TokenIssuer:
    """Issue access tokens for the sandbox credentials and check them on each SP-API call."""

    def __init__(self, lifetime_seconds: float, clock: Callable[[], float] = time.time) -> None:
        self._lifetime = lifetime_seconds
        self._clock = clock
        self._expiry_by_token: dict[str, float] = {}
        self._issued_by_token: dict[str, float] = {}
        self._lock = threading.Lock()

    def issue(self, fields: dict[str, str], authorization: str | None = None) -> dict[str, Any]:
        """Issue an access token for a refresh-token grant; raise LwaError for a bad request.

        The fields come from a form or a JSON body; the client credentials from the fields or Basic auth.
        """
        grant_type = fields.get("grant_type")
        if not grant_type:
            raise LwaError(400, "invalid_request", "grant_type is missing; send grant_type=refresh_token.")
        if grant_type != "refresh_token":
            raise LwaError(
                400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported; send grant_type=refresh_token."
            )

        basic = _basic_credentials(authorization)
        client_id, client_secret = basic if basic else (fields.get("client_id"), fields.get("client_secret"))
        if not client_id or not client_secret:
            raise LwaError(401, "invalid_client", "client_id or client_secret is missing; send both.")
        if not (
            secrets.compare_digest(client_id, SANDBOX_CLIENT_ID)
            and secrets.compare_digest(client_secret, SANDBOX_CLIENT_SECRET)
        ):
            raise LwaError(
                401,
                "invalid_client",
                "Client authentication failed: client_id or client_secret is wrong. The sandbox accepts "
                f"only its own made-up credentials: client_id {SANDBOX_CLIENT_ID} and the client secret "
                "listed beside it in the README (section on running the sandbox on its own).",
            )

        refresh_token = fields.get("refresh_token")
        if not refresh_token:
            raise LwaError(400, "invalid_request", "refresh_token is missing; send the refresh token of the grant.")
        if not secrets.compare_digest(refresh_token, SANDBOX_REFRESH_TOKEN):
            raise LwaError(
                400,
                "invalid_grant",
                "The refresh_token is not valid for this client; use the sandbox's made-up refresh token, "
                "listed in the README beside its client id.",
            )

        token = "Atza|" + secrets.token_urlsafe(32)
        with self._lock:
            issued_at = self._clock()
            self._expiry_by_token[token] = issued_at + self._lifetime
            self._issued_by_token[token] = issued_at
        return {"access_token": token, "token_type": "bearer", "expires_in": int(self._lifetime)}

    def check(self, token: str | None) -> str | None:
        """Return None for a valid token, else the reason the call is rejected."""
        if not token:
            return TOKEN_MISSING
        with self._lock:
            expires_at = self._expiry_by_token.get(token)
        if expires_at is None:
            return TOKEN_INVALID
        if self._clock() >= expires_at:
            return TOKEN_EXPIRED
        return None

    def age_seconds(self, token: str) -> float | None:
        """Seconds since `token` was issued, or None for a token this issuer never issued."""
        with self._lock:
            issued_at = self._issued_by_token.get(token)
        return None if issued_at is None else self._clock() - issued_at
