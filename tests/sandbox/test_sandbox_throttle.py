"""Per-operation throttling on the sandbox, and the token bucket behind it.

Servers here use time_scale=0, so buckets never refill and the counts are exact.
"""

import pytest
from sandbox_testkit import client_for

from sandbox.throttle import TokenBucket

ORDERS = "/vendor/orders/v1/purchaseOrders"


def test_eleventh_quick_call_is_throttled(start_server):
    server = start_server(throttle=True, time_scale=0)
    with client_for(server) as api:
        responses = [api.get(ORDERS) for _ in range(11)]

    assert [response.status_code for response in responses] == [200] * 10 + [429]
    assert all(response.headers["x-amzn-RateLimit-Limit"] == "10.0" for response in responses[:10])
    throttled = responses[10]
    assert throttled.json()["errors"][0]["code"] == "QuotaExceeded"
    assert "x-amzn-RateLimit-Limit" not in throttled.headers
    assert throttled.headers["x-amzn-RequestId"]


def test_operations_have_separate_buckets(start_server):
    server = start_server(throttle=True, time_scale=0)
    with client_for(server) as api:
        for _ in range(10):
            api.get(ORDERS)
        status = api.get("/vendor/orders/v1/purchaseOrdersStatus")

    assert status.status_code == 200


@pytest.mark.parametrize(
    ("path", "method", "burst", "header"),
    [
        ("/vendor/transactions/v1/transactions/20261204000000-unknown", "GET", 20, "10.0"),
        ("/reports/2021-06-30/reports/1", "GET", 15, "2.0"),
        ("/reports/2021-06-30/reports", "POST", 15, "0.0167"),
    ],
)
def test_published_bursts(start_server, path, method, burst, header):
    server = start_server(throttle=True, time_scale=0)
    body = {"reportType": "GET_VENDOR_FORECASTING_REPORT", "marketplaceIds": ["ATVPDKIKX0DER"], "reportOptions": {"sellingProgram": "RETAIL"}}
    with client_for(server) as api:
        responses = [api.request(method, path, json=body if method == "POST" else None) for _ in range(burst + 1)]

    assert all(response.status_code != 429 for response in responses[:burst])
    assert responses[0].headers["x-amzn-RateLimit-Limit"] == header
    assert responses[burst].status_code == 429


def test_throttle_off_lets_calls_through(start_server):
    server = start_server(throttle=False)
    with client_for(server) as api:
        statuses = {api.get(ORDERS).status_code for _ in range(30)}

    assert statuses == {200}


def test_bucket_refills_at_its_rate():
    now = [100.0]
    bucket = TokenBucket(rate=2, burst=3, clock=lambda: now[0])

    first_four = [bucket.try_acquire() for _ in range(4)]
    now[0] += 0.5  # half a second at 2 per second refills one token
    after_refill = [bucket.try_acquire(), bucket.try_acquire()]
    now[0] += 100  # never more than the burst
    after_long_wait = [bucket.try_acquire() for _ in range(4)]

    assert first_four == [True, True, True, False]
    assert after_refill == [True, False]
    assert after_long_wait == [True, True, True, False]


def test_sandbox_rate_plan_allows_burst_of_fifteen(start_server):
    server = start_server(throttle=True, time_scale=0, rate_plan="sandbox")
    with client_for(server) as api:
        responses = [api.get(ORDERS) for _ in range(16)]

    assert [response.status_code for response in responses] == [200] * 15 + [429]
    assert responses[0].headers["x-amzn-RateLimit-Limit"] == "5.0"
    assert "5 requests per second with a burst of 15" in responses[15].json()["errors"][0]["message"]


def test_sandbox_rate_plan_covers_reports():
    from sandbox.throttle import rate_limits

    limits = rate_limits("sandbox")
    assert (limits["createReport"].rate, limits["createReport"].burst) == (5, 15)
    assert (limits["getTransaction"].rate, limits["getTransaction"].burst) == (5, 15)
    with pytest.raises(ValueError, match="Unknown rate plan 'staging'; use one of production, sandbox"):
        rate_limits("staging")


def test_time_scale_speeds_up_report_refill():
    # createReport refills 0.0167 tokens a second; at time scale 60 that is about one a second.
    from sandbox.throttle import Throttle

    now = [0.0]
    throttle = Throttle(enabled=True, time_scale=60, clock=lambda: now[0])
    burst = [throttle.allow("createReport") for _ in range(16)]
    now[0] += 1.0
    after_one_second = [throttle.allow("createReport"), throttle.allow("createReport")]

    assert burst == [True] * 15 + [False]
    assert after_one_second == [True, False]


def test_rate_plan_and_time_scale_from_the_command_line(tmp_path):
    from sandbox.__main__ import _parse_args, config_from_args

    config = config_from_args(_parse_args(["serve", "--rate-plan", "sandbox", "--time-scale", "60", "--inbox", str(tmp_path)]))

    assert config.rate_plan == "sandbox"
    assert config.time_scale == 60
