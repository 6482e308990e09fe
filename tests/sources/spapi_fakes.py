"""Test doubles for the Selling Partner API client: a fake clock and a scripted Amazon."""

import json
from collections import defaultdict, deque
from collections.abc import Callable
from urllib.parse import parse_qs

import httpx

ENDPOINT = "http://127.0.0.1:9"
TOKEN_URL = ENDPOINT + "/auth/o2/token"
CLIENT_ID = "amzn1.application-oa2-client.test"
CLIENT_SECRET = "test-client-secret-5c1e"
REFRESH_TOKEN = "Atzr|test-refresh-token-77a0"


class FakeClock:
    """A monotonic clock that only moves when code sleeps or a test advances it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


def json_response(status: int, body: object, headers: dict[str, str] | None = None) -> httpx.Response:
    merged = {"x-amzn-RequestId": f"req-{status}"} | (headers or {})
    return httpx.Response(status, json=body, headers=merged)


def amazon_error(status: int, code: str, message: str, headers: dict[str, str] | None = None):
    return json_response(status, {"errors": [{"code": code, "message": message}]}, headers)


class FakeAmazon:
    """An httpx MockTransport handler: LWA tokens plus scripted responses per path.

    `script(path, *responses)` queues responses for a path. Each queued item is a Response, an
    exception to raise, or a callable taking the request. When a path's queue is empty the
    `defaults` handler for it responds, if any.
    """

    def __init__(self) -> None:
        self.token_requests: list[dict[str, list[str]]] = []
        self.api_requests: list[httpx.Request] = []
        self.issued_tokens: list[str] = []
        self.expires_in = 3600
        self.token_error: httpx.Response | None = None
        self._queues: dict[str, deque] = defaultdict(deque)
        self.defaults: dict[str, Callable[[httpx.Request], httpx.Response]] = {}

    def script(self, path: str, *responses: object) -> None:
        self._queues[path].extend(responses)

    def requests_to(self, path: str) -> list[httpx.Request]:
        return [request for request in self.api_requests if request.url.path == path]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/o2/token":
            self.token_requests.append(parse_qs(request.content.decode()))
            if self.token_error is not None:
                return self.token_error
            token = f"Atza|access-{len(self.token_requests)}"
            self.issued_tokens.append(token)
            return httpx.Response(
                200,
                json={"access_token": token, "token_type": "bearer", "expires_in": self.expires_in},
            )
        self.api_requests.append(request)
        queue = self._queues.get(request.url.path)
        if queue:
            item = queue.popleft()
        elif request.url.path in self.defaults:
            item = self.defaults[request.url.path]
        else:
            return amazon_error(404, "NotFound", f"no scripted response for {request.url.path}")
        if isinstance(item, BaseException):
            raise item
        if callable(item):
            return item(request)
        return item


def query(request: httpx.Request) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(request.url.query.decode()).items()}


def body(request: httpx.Request) -> object:
    return json.loads(request.content)
