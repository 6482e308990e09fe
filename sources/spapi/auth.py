"""Login with Amazon (LWA): exchanges the refresh token for access tokens and caches them."""

import logging
import threading
import time
import warnings
from collections.abc import Callable

import httpx

with warnings.catch_warnings():
    # authlib 1.9 warns on import that it prefers the httpx2 package over httpx. Its httpx
    # integration still works with httpx 0.28, and the warning would appear in every run's log.
    # authlib.deprecate installs an "always" filter on import, so it is imported before ours.
    import authlib.deprecate  # noqa: F401

    warnings.filterwarnings(
        "ignore", message="The httpx module is deprecated", category=DeprecationWarning
    )
    from authlib.integrations.base_client import OAuthError
    from authlib.integrations.httpx_client import OAuth2Client

from .exceptions import SpApiAuthError
from .settings import TOKEN_REFRESH_LEEWAY_SECONDS

logger = logging.getLogger("acorn.spapi")

TOKEN_OPERATION = "lwaToken"
CREDENTIALS_HINT = (
    "Check client_id, client_secret and refresh_token under "
    "[sources.vendor_api.credentials] in .dlt/secrets.toml: the refresh token must come from "
    "authorising this application for the vendor account"
)


class LwaAuth:
    """Access tokens from Login with Amazon's refresh_token grant.

    A token is reused until `leeway` seconds before the expiry LWA states (`expires_in`), then
    renewed. `invalidate()` forces the next call to renew, as after a 403 Unauthorized.
    Transient failures of the token endpoint (HTTP 5xx or 429, timeouts, connection errors) are
    retried by the caller's `retry_delay` policy up to `max_attempts`.
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        *,
        timeout: float = 30.0,
        max_attempts: int = 6,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        retry_delay: Callable[[int, float | None], float] = lambda attempt, retry_after: 1.0,
        leeway: float = TOKEN_REFRESH_LEEWAY_SECONDS,
    ) -> None:
        for name, value in (
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("refresh_token", refresh_token),
        ):
            if not value:
                raise SpApiAuthError(
                    TOKEN_OPERATION, None, None, f"{name} is empty", hint=CREDENTIALS_HINT
                )
        self.token_url = token_url
        self._refresh_token = refresh_token
        self._secrets = (client_secret, refresh_token)
        self._oauth = OAuth2Client(
            client_id=client_id,
            client_secret=client_secret,
            token_endpoint_auth_method="client_secret_post",
            timeout=timeout,
            transport=transport,
        )
        self._max_attempts = max_attempts
        self._clock = clock
        self._sleep = sleep
        self._retry_delay = retry_delay
        self._leeway = leeway
        self._access_token: str | None = None
        self._renew_at = 0.0
        self._issued: list[str] = []
        self._lock = threading.Lock()

    def secrets(self) -> tuple[str, ...]:
        """Return the client secret, the refresh token and every access token issued so far."""
        return self._secrets + tuple(self._issued)

    def access_token(self) -> str:
        """Return a valid access token, renewing it when it is due."""
        with self._lock:
            if self._access_token is None or self._clock() >= self._renew_at:
                self._renew()
            assert self._access_token is not None
            return self._access_token

    def invalidate(self) -> None:
        with self._lock:
            self._access_token = None

    def close(self) -> None:
        self._oauth.close()

    def _renew(self) -> None:
        for attempt in range(1, self._max_attempts + 1):
            started = self._clock()
            try:
                token = self._oauth.refresh_token(self.token_url, refresh_token=self._refresh_token)
            except OAuthError as error:
                raise SpApiAuthError(
                    TOKEN_OPERATION,
                    400,
                    error.error,
                    self._redact(error.description or "token request rejected"),
                    hint=CREDENTIALS_HINT,
                ) from None
            except httpx.HTTPStatusError as error:
                status = error.response.status_code
                if status not in (429, 500, 502, 503, 504) or attempt == self._max_attempts:
                    raise SpApiAuthError(
                        TOKEN_OPERATION,
                        status,
                        None,
                        f"the token endpoint {self.token_url} returned HTTP {status}",
                        hint="Check the token URL; if it is Amazon's, retry later",
                    ) from None
                self._wait_before_retry(attempt, f"HTTP {status}")
                continue
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as error:
                if attempt == self._max_attempts:
                    raise SpApiAuthError(
                        TOKEN_OPERATION,
                        None,
                        None,
                        f"the token endpoint {self.token_url} could not be reached "
                        f"({type(error).__name__}) after {attempt} attempts",
                        hint="Check the network and the token URL, then retry",
                    ) from None
                self._wait_before_retry(attempt, type(error).__name__)
                continue
            except ValueError as error:
                raise SpApiAuthError(
                    TOKEN_OPERATION,
                    None,
                    None,
                    f"the token endpoint {self.token_url} returned an invalid response: {error}",
                    hint="Check that the token URL is Login with Amazon's",
                ) from None

            access_token = token.get("access_token")
            if not access_token:
                raise SpApiAuthError(
                    TOKEN_OPERATION,
                    200,
                    None,
                    "the token response has no access_token",
                    hint="Check that the token URL is Login with Amazon's",
                )
            expires_in = float(token.get("expires_in") or 3600)
            self._access_token = access_token
            self._renew_at = started + expires_in - self._leeway
            self._issued.append(access_token)
            logger.info("access token renewed, valid for %.0f s", expires_in)
            return

    def _wait_before_retry(self, attempt: int, reason: str) -> None:
        delay = self._retry_delay(attempt, None)
        logger.warning(
            "operation=%s attempt=%d/%d failed (%s); retrying in %.1f s",
            TOKEN_OPERATION,
            attempt,
            self._max_attempts,
            reason,
            delay,
        )
        self._sleep(delay)

    def _redact(self, text: str) -> str:
        for secret in self.secrets():
            if secret:
                text = text.replace(secret, "***")
        return text
