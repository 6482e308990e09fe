"""Property tests: the listing operations reject exactly the invalid parameter combinations.

The rules, stated independently of sandbox/listing.py: a date-time must be ISO 8601 with a
time zone (else 400 InvalidRequest); a window may not start before now minus 6 calendar
months, may not end before it starts and may not span more than 7 days; a missing Before
bound is now, and a missing After bound is 7 days before the Before bound (not earlier than
the 6-month limit); `limit` is an integer from 1 to 100; `sortOrder` is ASC or DESC. Every
other violation is 400 InvalidInput, and the error names a parameter at fault.
"""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sandbox_testkit import TODAY

from sandbox.generator import generate_scenario
from sandbox.listing import ParameterError, list_purchase_order_statuses, list_purchase_orders

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
EARLIEST = datetime(2026, 6, 4, 12, 0, tzinfo=UTC)  # 6 calendar months before NOW
SCENARIO = generate_scenario(7, "small", TODAY)
MALFORMED = ("2026-11-2100:00:00", "yesterday", "2026-13-01T00:00:00Z")
WITHOUT_ZONE = "2026-11-21T00:00:00"

moments = st.integers(min_value=-8 * 31 * 24 * 60, max_value=2 * 24 * 60).map(lambda minutes: NOW + timedelta(minutes=minutes))
dates = st.one_of(
    st.none(),
    moments.map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ")),
    st.sampled_from((*MALFORMED, WITHOUT_ZONE)),
)
limits = st.one_of(st.none(), st.integers(min_value=-3, max_value=130).map(str), st.just("ten"))
sort_orders = st.one_of(st.none(), st.sampled_from(("ASC", "DESC", "asc", "NEWEST")))


def parse(raw: str) -> datetime | None:
    """The date-time of a well-formed value, else None."""
    if raw in MALFORMED or raw == WITHOUT_ZONE:
        return None
    return datetime.strptime(raw, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def expected_faults(params: dict[str, str], prefix: str) -> tuple[str | None, set[str]]:
    """Return (the error code Amazon would send or None, the parameters at fault)."""
    after_name, before_name = f"{prefix}After", f"{prefix}Before"
    malformed = {name for name in (after_name, before_name) if name in params and parse(params[name]) is None}
    if malformed:
        return "InvalidRequest", malformed
    at_fault: set[str] = set()
    after = parse(params[after_name]) if after_name in params else None
    before = parse(params[before_name]) if before_name in params else None
    for name, value in ((after_name, after), (before_name, before)):
        if value is not None and value < EARLIEST:
            at_fault.add(name)
    if (after is not None or before is not None) and not at_fault:
        end = before if before is not None else NOW
        start = after if after is not None else max(end - timedelta(days=7), EARLIEST)
        if start > end or end - start > timedelta(days=7):
            at_fault |= {after_name, before_name}
    raw_limit = params.get("limit")
    if raw_limit is not None and not (raw_limit.lstrip("-").isdigit() and 1 <= int(raw_limit) <= 100):
        at_fault.add("limit")
    if params.get("sortOrder") not in (None, "ASC", "DESC"):
        at_fault.add("sortOrder")
    return ("InvalidInput" if at_fault else None), at_fault


def check(listing, prefix: str, after: str | None, before: str | None, limit: str | None, sort_order: str | None) -> None:
    candidates = {f"{prefix}After": after, f"{prefix}Before": before, "limit": limit, "sortOrder": sort_order}
    params = {name: value for name, value in candidates.items() if value is not None}
    code, at_fault = expected_faults(params, prefix)
    try:
        listing(SCENARIO, params, NOW)
    except ParameterError as error:
        assert code is not None, f"{params} was rejected ({error.message}) but every parameter is valid"
        assert error.code == code
        assert error.parameter in at_fault
    else:
        assert code is None, f"{params} was accepted but {sorted(at_fault)} should be rejected"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(after=dates, before=dates, limit=limits, sort_order=sort_orders)
def test_purchase_orders_reject_exactly_the_invalid(after, before, limit, sort_order):
    check(list_purchase_orders, "created", after, before, limit, sort_order)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(after=dates, before=dates, limit=limits, sort_order=sort_orders)
def test_statuses_reject_exactly_the_invalid(after, before, limit, sort_order):
    check(list_purchase_order_statuses, "updated", after, before, limit, sort_order)


@pytest.mark.parametrize(
    ("params", "code", "at_fault"),
    [
        ({"createdAfter": "2026-11-20T00:00:00Z", "createdBefore": "2026-11-27T00:00:00Z"}, None, set()),
        ({"createdAfter": "2026-11-20T00:00:00Z", "createdBefore": "2026-11-27T00:00:01Z"}, "InvalidInput", {"createdAfter", "createdBefore"}),
        ({"createdAfter": "2026-06-04T11:59:59Z", "createdBefore": "2026-06-05T00:00:00Z"}, "InvalidInput", {"createdAfter"}),
        ({"createdAfter": "2026-11-2100:00:00"}, "InvalidRequest", {"createdAfter"}),
        ({"limit": "0"}, "InvalidInput", {"limit"}),
    ],
)
def test_oracle_agrees_with_hand_worked_cases(params, code, at_fault):
    assert expected_faults(params, "created") == (code, at_fault)
