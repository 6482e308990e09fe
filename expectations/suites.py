"""Great Expectations suites for the outbound models and the raw vendor feeds.

Each suite is built by one function. `SUITES` maps a table name to its suite, the columns
that name a failed row, the columns computed before validation, and whether a failure
blocks the outbound documents built from that table.

GX compares the pandas frame that DuckDB returns, where DECIMAL columns arrive as float64.
Checks that need exact money arithmetic therefore compare text columns that DuckDB computes
with DECIMAL while reading the table (`SuiteSpec.sql_columns`).

Great Expectations is imported inside the suite functions because importing it takes
several seconds, and modules that only list the suites should stay fast to import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from expectations.gs1 import sscc_check_digit_sql
from sources.clock import utc_now

if TYPE_CHECKING:
    import great_expectations as gx
    import pandas as pd

ACKNOWLEDGEMENT_CODES = ["Accepted", "Rejected", "Backordered"]
REJECTION_REASONS = ["InvalidProductIdentifier", "ObsoleteProduct", "TemporarilyUnavailable"]
UNITS_OF_MEASURE = ["Cases", "Eaches"]
CURRENCY_CODE_REGEX = r"^[A-Z]{3}$"
SSCC_REGEX = r"^[0-9]{18}$"
# Raw feeds: the earliest plausible date, and DuckDB's name for a timestamp stored with its zone.
EARLIEST_DATE = "2000-01-01"
UTC_TIMESTAMP_TYPE = "TIMESTAMP WITH TIME ZONE"
PURCHASE_ORDER_STATES = ["New", "Acknowledged", "Closed"]
PURCHASE_ORDER_STATUSES = ["OPEN", "CLOSED"]
CONFIRMATION_STATUSES = ["ACCEPTED", "PARTIALLY_ACCEPTED", "REJECTED", "UNCONFIRMED"]
RECEIVE_STATUSES = ["NOT_RECEIVED", "PARTIALLY_RECEIVED", "RECEIVED"]
STATUS_QUANTITIES = ["ordered", "cancelled", "accepted", "rejected", "received"]
# Days after today that dates of past events, and of order windows and forecasts, may reach.
PAST_EVENT_DAYS = 1
FUTURE_WINDOW_DAYS = 730

INVOICE_TOTAL_COLUMNS = [
    "line_total_amount",
    "tax_total_amount",
    "charge_total_amount",
    "allowance_total_amount",
    "invoice_total_amount",
]


def _cents(expression: str) -> str:
    """Return SQL that rounds a DECIMAL expression to cents and renders it as text."""
    return f"cast(cast(round({expression}, 2) as decimal(38, 2)) as varchar)"


def _exact_decimal(column: str) -> str:
    """Return SQL that renders a DECIMAL column as text at one fixed scale.

    Two equal amounts stored with different scales (8.5 as DECIMAL(18,2) and DECIMAL(38,9))
    then produce the same text.
    """
    return f"cast(cast({column} as decimal(38, 9)) as varchar)"


@dataclass(frozen=True)
class SuiteSpec:
    """How one table is validated.

    `sql_columns` maps a computed column name to a DuckDB SQL expression that is evaluated
    while the table is read. `frame_columns` maps a computed column name to a function of
    the pandas frame, applied after reading. Computed names must start with `computed_`, so
    that a reader of a failure can tell them from the table's own columns.
    """

    table: str
    build_suite: Callable[[], gx.ExpectationSuite]
    key_columns: tuple[str, ...]
    blocking: bool
    sql_columns: Mapping[str, str] = field(default_factory=dict)
    frame_columns: Mapping[str, Callable[[pd.DataFrame], pd.Series]] = field(
        default_factory=dict
    )

    def __post_init__(self) -> None:
        for name in [*self.sql_columns, *self.frame_columns]:
            if not name.startswith("computed_"):
                raise ValueError(
                    f"computed column {name!r} of {self.table} must start with 'computed_'"
                )


def _keys_present_and_unique(columns: list[str]) -> list[Any]:
    import great_expectations.expectations as gxe

    expectations: list[Any] = [
        gxe.ExpectColumnValuesToNotBeNull(column=column, description=f"{column} must be present")
        for column in columns
    ]
    if len(columns) == 1:
        expectations.append(
            gxe.ExpectColumnValuesToBeUnique(
                column=columns[0], description=f"{columns[0]} must be unique"
            )
        )
    else:
        expectations.append(
            gxe.ExpectCompoundColumnsToBeUnique(
                column_list=columns,
                description=f"({', '.join(columns)}) must be unique",
            )
        )
    return expectations


def _greater_than_zero(column: str, label: str) -> Any:
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnValuesToBeBetween(
        column=column, min_value=0, strict_min=True, description=f"{label} must be greater than 0"
    )


def _not_negative(columns: list[str]) -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeBetween(
            column=column, min_value=0, description=f"{column} must not be negative"
        )
        for column in columns
    ]


def _in_set(column: str, values: list[str]) -> Any:
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnValuesToBeInSet(
        column=column, value_set=values, description=f"{column} must be one of {', '.join(values)}"
    )


def _currency_codes(columns: list[str]) -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToMatchRegex(
            column=column,
            regex=CURRENCY_CODE_REGEX,
            description=f"{column} must be 3 upper-case letters",
        )
        for column in columns
    ]


def _time_columns(
    timestamps: Mapping[str, int] | None = None, dates: Mapping[str, int] | None = None
) -> dict[str, str]:
    """Return the SQL columns that `_time_expectations` checks.

    Each maps a time column to the number of days after today it may reach: 1 for events that
    have happened (allowing for clock skew), more for windows and forecast weeks. A column is
    in range from EARLIEST_DATE on. Timestamps must also be stored with their zone, so that
    they are instants in UTC and not local times.
    """
    timestamps = timestamps or {}
    dates = dates or {}
    columns: dict[str, str] = {}
    for column, days_ahead in {**timestamps, **dates}.items():
        columns[f"computed_{column}_in_range"] = (
            f"case when {column} is null then null else cast({column} as date)"
            f" between date '{EARLIEST_DATE}' and current_date + {days_ahead} end"
        )
    for column in timestamps:
        columns[f"computed_{column}_type"] = f"typeof({column})"
    return columns


def _time_expectations(
    timestamps: Mapping[str, int] | None = None, dates: Mapping[str, int] | None = None
) -> list[Any]:
    import great_expectations.expectations as gxe

    timestamps = timestamps or {}
    dates = dates or {}
    expectations: list[Any] = [
        gxe.ExpectColumnValuesToBeInSet(
            column=f"computed_{column}_in_range",
            value_set=[True],
            description=f"{column} must lie between {EARLIEST_DATE} and {days_ahead} day(s) after today",
        )
        for column, days_ahead in {**timestamps, **dates}.items()
    ]
    expectations.extend(
        gxe.ExpectColumnValuesToBeInSet(
            column=f"computed_{column}_type",
            value_set=[UTC_TIMESTAMP_TYPE],
            description=f"{column} must be a timestamp with time zone (UTC)",
        )
        for column in timestamps
    )
    return expectations


def outbound_acknowledgement_lines_suite() -> gx.ExpectationSuite:
    """Build the suite that gates PO acknowledgements, one row per PO line and acknowledgement code."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    return gx.ExpectationSuite(
        name="analytics.outbound_acknowledgement_lines",
        expectations=[
            *_keys_present_and_unique(["account", "purchase_order_number", "item_sequence_number", "acknowledgement_code"]),
            _greater_than_zero("acknowledged_quantity_amount", "acknowledged quantity"),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="computed_ordered_eaches",
                column_B="computed_acknowledged_eaches",
                or_equal=True,
                description="acknowledged eaches must not exceed ordered eaches",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="acknowledgement_code",
                value_set=ACKNOWLEDGEMENT_CODES,
                description="acknowledgement_code must be Accepted, Rejected or Backordered",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="rejection_reason",
                value_set=REJECTION_REASONS,
                description="rejection_reason must be one of Amazon's rejection reasons",
            ),
            gxe.ExpectColumnValuesToNotBeNull(
                column="rejection_reason",
                row_condition=Column("acknowledgement_code") == "Rejected",
                description="a Rejected line must have a rejection_reason",
            ),
            gxe.ExpectColumnValuesToBeNull(
                column="rejection_reason",
                row_condition=Column("acknowledgement_code") != "Rejected",
                description="only a Rejected line may have a rejection_reason",
            ),
            _greater_than_zero("net_cost_amount", "net cost"),
        ],
    )


def outbound_shipment_confirmations_suite(now: datetime | None = None) -> gx.ExpectationSuite:
    """Build the suite that gates ASN headers, one row per shipment.

    `now` is the latest allowed ship date (default: the current UTC time).
    """
    import great_expectations as gx
    import great_expectations.expectations as gxe

    latest_ship_date = now if now is not None else utc_now()
    return gx.ExpectationSuite(
        name="analytics.outbound_shipment_confirmations",
        expectations=[
            *_keys_present_and_unique(["account", "shipment_id"]),
            gxe.ExpectColumnValuesToBeBetween(
                column="ship_date",
                max_value=latest_ship_date,
                description="ship_date must not be in the future",
            ),
            _greater_than_zero("carton_count", "carton count"),
        ],
    )


def outbound_shipment_lines_suite() -> gx.ExpectationSuite:
    """Build the suite that gates ASN lines, one row per shipment, carton and PO line."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx.ExpectationSuite(
        name="analytics.outbound_shipment_lines",
        expectations=[
            *_keys_present_and_unique(
                ["account", "shipment_id", "carton_id", "purchase_order_number", "item_sequence_number"]
            ),
            _greater_than_zero("shipped_quantity_amount", "shipped quantity"),
            # A line whose PO line acorn has not loaded has no accepted eaches. The ASN check
            # puts that one shipment on hold with the reason, so it does not stop the others here.
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="accepted_eaches",
                column_B="shipped_eaches",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
                description="shipped eaches must not exceed accepted eaches",
            ),
            *_sscc_expectations("carton_id"),
        ],
    )


def _sscc_expectations(column: str) -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToMatchRegex(
            column=column, regex=SSCC_REGEX, description=f"{column} must be an 18-digit SSCC"
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column=f"computed_{column}_check_digit_valid",
            value_set=[True],
            description=f"{column} must end in a valid GS1 check digit",
        ),
    ]


def outbound_invoices_suite() -> gx.ExpectationSuite:
    """Build the suite that gates invoice headers, one row per invoice."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    totals_present = [
        gxe.ExpectColumnValuesToNotBeNull(column=column, description=f"{column} must be present")
        for column in INVOICE_TOTAL_COLUMNS
    ]
    totals_not_negative = [
        gxe.ExpectColumnValuesToBeBetween(
            column=column, min_value=0, description=f"{column} must not be negative"
        )
        for column in INVOICE_TOTAL_COLUMNS
    ]
    return gx.ExpectationSuite(
        name="analytics.outbound_invoices",
        expectations=[
            *_keys_present_and_unique(["account", "invoice_id"]),
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="computed_invoice_total_cents",
                column_B="computed_components_total_cents",
                description=(
                    "invoice_total_amount must equal line total + tax + charges - allowances"
                    " to the cent"
                ),
            ),
            *totals_present,
            *totals_not_negative,
        ],
    )


def outbound_invoice_lines_suite() -> gx.ExpectationSuite:
    """Build the suite that gates invoice lines, one row per invoice line."""
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    return gx.ExpectationSuite(
        name="analytics.outbound_invoice_lines",
        expectations=[
            *_keys_present_and_unique(["account", "invoice_id", "invoice_line_number"]),
            _greater_than_zero("invoiced_quantity_amount", "invoiced quantity"),
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="computed_line_amount_cents",
                column_B="computed_eaches_times_cost_cents",
                description="line_amount must equal invoiced_eaches × net_cost_amount to the cent",
            ),
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="computed_net_cost_exact",
                column_B="computed_po_net_cost_exact",
                row_condition=Column("hold_reason").is_null(),
                description="net_cost_amount must equal the PO's net cost unless the line is held",
            ),
        ],
    )


# Time columns of each raw feed, with the days after today they may reach.
PURCHASE_ORDER_TIMES = {
    "timestamps": {
        "purchase_order_date": PAST_EVENT_DAYS,
        "ship_window_start": FUTURE_WINDOW_DAYS,
        "ship_window_end": FUTURE_WINDOW_DAYS,
        "delivery_window_start": FUTURE_WINDOW_DAYS,
        "delivery_window_end": FUTURE_WINDOW_DAYS,
    }
}
PURCHASE_ORDER_STATUS_TIMES = {
    "timestamps": {"purchase_order_date": PAST_EVENT_DAYS, "last_updated_date": PAST_EVENT_DAYS}
}
STATUS_ITEM_TIMES = {"timestamps": {"last_receive_date": PAST_EVENT_DAYS}}
FORECAST_TIMES = {
    "dates": {
        "forecast_generation_date": PAST_EVENT_DAYS,
        "start_date": FUTURE_WINDOW_DAYS,
        "end_date": FUTURE_WINDOW_DAYS,
    }
}
INVENTORY_TIMES = {"dates": {"start_date": PAST_EVENT_DAYS, "end_date": FUTURE_WINDOW_DAYS}}
SHIPMENT_TIMES = {"timestamps": {"ship_date": PAST_EVENT_DAYS}}
STOCK_TIMES = {"dates": {"snapshot_date": PAST_EVENT_DAYS}}
FORECAST_KEYS = [
    "account",
    "marketplace_id",
    "selling_program",
    "forecast_generation_date",
    "asin",
    "start_date",
]
INVENTORY_KEYS = [
    "account",
    "marketplace_id",
    "distributor_view",
    "selling_program",
    "asin",
    "start_date",
]
SHIPMENT_KEYS = ["shipment_id", "carton_id", "purchase_order_number", "item_sequence_number"]
ANALYTICS_PERIOD_TIMES = {"dates": {"start_date": PAST_EVENT_DAYS, "end_date": PAST_EVENT_DAYS}}
REAL_TIME_TIMES = {"timestamps": {"start_time": PAST_EVENT_DAYS, "end_time": PAST_EVENT_DAYS}}
ANALYTICS_PERIOD_KEYS = ["account", "marketplace_id", "report_period", "asin", "start_date"]
REAL_TIME_KEYS = ["account", "marketplace_id", "asin", "start_time"]
REPORT_PERIODS = ["DAY", "WEEK", "MONTH", "QUARTER", "YEAR"]


def purchase_orders_suite() -> gx.ExpectationSuite:
    """Build the suite for the raw PO headers loaded from the Vendor Orders API."""
    import great_expectations as gx

    return gx.ExpectationSuite(
        name="raw_vendor.purchase_orders",
        expectations=[
            *_keys_present_and_unique(["account", "purchase_order_number"]),
            _in_set("purchase_order_state", PURCHASE_ORDER_STATES),
            *_time_expectations(**PURCHASE_ORDER_TIMES),
        ],
    )


def purchase_order_items_suite() -> gx.ExpectationSuite:
    """Build the suite for the raw PO lines loaded from the Vendor Orders API."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx.ExpectationSuite(
        name="raw_vendor.purchase_order_items",
        expectations=[
            *_keys_present_and_unique(["account", "purchase_order_number", "item_sequence_number"]),
            gxe.ExpectColumnValuesToBeBetween(
                column="ordered_quantity_amount",
                min_value=0,
                description="ordered quantity must not be negative",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="ordered_quantity_unit_of_measure",
                value_set=UNITS_OF_MEASURE,
                description="ordered_quantity_unit_of_measure must be Cases or Eaches",
            ),
            gxe.ExpectColumnValuesToMatchRegex(
                column="net_cost_currency_code",
                regex=CURRENCY_CODE_REGEX,
                description="net_cost_currency_code must be 3 upper-case letters",
            ),
            gxe.ExpectColumnValuesToMatchRegex(
                column="list_price_currency_code",
                regex=CURRENCY_CODE_REGEX,
                description="list_price_currency_code must be 3 upper-case letters",
            ),
            *_not_negative(["net_cost_amount", "list_price_amount"]),
            _greater_than_zero("ordered_quantity_unit_size", "ordered unit size"),
        ],
    )


def purchase_order_status_suite() -> gx.ExpectationSuite:
    """Build the suite for the raw PO statuses loaded from the Vendor Orders API."""
    import great_expectations as gx

    return gx.ExpectationSuite(
        name="raw_vendor.purchase_order_status",
        expectations=[
            *_keys_present_and_unique(["account", "purchase_order_number"]),
            _in_set("purchase_order_status", PURCHASE_ORDER_STATUSES),
            *_time_expectations(**PURCHASE_ORDER_STATUS_TIMES),
        ],
    )


def purchase_order_status_items_suite() -> gx.ExpectationSuite:
    """Build the suite for the raw PO line statuses: acknowledged, cancelled and received quantities."""
    import great_expectations as gx

    return gx.ExpectationSuite(
        name="raw_vendor.purchase_order_status_items",
        expectations=[
            *_keys_present_and_unique(["account", "purchase_order_number", "item_sequence_number"]),
            *_not_negative([f"{name}_quantity_amount" for name in STATUS_QUANTITIES]),
            *[_in_set(f"{name}_quantity_unit_of_measure", UNITS_OF_MEASURE) for name in STATUS_QUANTITIES],
            _in_set("confirmation_status", CONFIRMATION_STATUSES),
            _in_set("receive_status", RECEIVE_STATUSES),
            *_currency_codes(["net_cost_currency_code", "list_price_currency_code"]),
            *_time_expectations(**STATUS_ITEM_TIMES),
        ],
    )


def vendor_forecasts_suite() -> gx.ExpectationSuite:
    """Build the suite for Amazon's weekly demand forecasts (GET_VENDOR_FORECASTING_REPORT)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx.ExpectationSuite(
        name="raw_vendor.vendor_forecasts",
        expectations=[
            *_keys_present_and_unique(FORECAST_KEYS),
            *_not_negative(["mean_forecast_units", "p70_forecast_units", "p80_forecast_units", "p90_forecast_units"]),
            *[
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=higher,
                    column_B=lower,
                    or_equal=True,
                    description=f"{higher} must not be below {lower}",
                )
                for higher, lower in [
                    ("p80_forecast_units", "p70_forecast_units"),
                    ("p90_forecast_units", "p80_forecast_units"),
                ]
            ],
            *_time_expectations(**FORECAST_TIMES),
        ],
    )


def vendor_inventory_suite() -> gx.ExpectationSuite:
    """Build the suite for Amazon's weekly inventory (GET_VENDOR_INVENTORY_REPORT)."""
    import great_expectations as gx

    return gx.ExpectationSuite(
        name="raw_vendor.vendor_inventory",
        expectations=[
            *_keys_present_and_unique(INVENTORY_KEYS),
            *_not_negative(
                [
                    "sellable_on_hand_inventory_units",
                    "unsellable_on_hand_inventory_units",
                    "open_purchase_order_units",
                ]
            ),
            *_currency_codes(["currency_code"]),
            *_time_expectations(**INVENTORY_TIMES),
        ],
    )


def _period_ends_after_start() -> Any:
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="end_date", column_B="start_date", or_equal=True, description="end_date must not be before start_date"
    )


def vendor_traffic_suite() -> gx.ExpectationSuite:
    """Build the suite for Amazon's glance views per ASIN and period (GET_VENDOR_TRAFFIC_REPORT)."""
    import great_expectations as gx

    return gx.ExpectationSuite(
        name="raw_vendor.vendor_traffic",
        expectations=[
            *_keys_present_and_unique(ANALYTICS_PERIOD_KEYS),
            _in_set("report_period", REPORT_PERIODS),
            *_not_negative(["glance_views"]),
            _period_ends_after_start(),
            *_time_expectations(**ANALYTICS_PERIOD_TIMES),
        ],
    )


def vendor_net_pure_product_margin_suite() -> gx.ExpectationSuite:
    """Build the suite for Amazon's margin per ASIN and period (GET_VENDOR_NET_PURE_PRODUCT_MARGIN_REPORT)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx.ExpectationSuite(
        name="raw_vendor.vendor_net_pure_product_margin",
        expectations=[
            *_keys_present_and_unique(ANALYTICS_PERIOD_KEYS),
            _in_set("report_period", REPORT_PERIODS),
            # Amazon describes the margin as a fraction from 0 to 1, but a product sold below
            # its cost has a negative one, so only the upper bound is checked.
            gxe.ExpectColumnValuesToBeBetween(
                column="net_pure_product_margin",
                max_value=1,
                description="net_pure_product_margin must not exceed 1 (100 %)",
            ),
            _period_ends_after_start(),
            *_time_expectations(**ANALYTICS_PERIOD_TIMES),
        ],
    )


def vendor_real_time_inventory_suite() -> gx.ExpectationSuite:
    """Build the suite for Amazon's hourly available units (GET_VENDOR_REAL_TIME_INVENTORY_REPORT)."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx.ExpectationSuite(
        name="raw_vendor.vendor_real_time_inventory",
        expectations=[
            *_keys_present_and_unique(REAL_TIME_KEYS),
            *_not_negative(["highly_available_inventory"]),
            gxe.ExpectColumnValuesToBeInSet(
                column="computed_is_one_hour",
                value_set=[True],
                description="end_time must be one hour after start_time",
            ),
            *_time_expectations(**REAL_TIME_TIMES),
        ],
    )


def vendor_shipments_suite() -> gx.ExpectationSuite:
    """Build the suite for the vendor's shipment export (shipments.csv)."""
    import great_expectations as gx

    return gx.ExpectationSuite(
        name="raw_vendor.vendor_shipments",
        expectations=[
            *_keys_present_and_unique(SHIPMENT_KEYS),
            *_sscc_expectations("carton_id"),
            _greater_than_zero("quantity", "shipped quantity"),
            _in_set("unit_of_measure", UNITS_OF_MEASURE),
            *_time_expectations(**SHIPMENT_TIMES),
        ],
    )


def vendor_stock_suite() -> gx.ExpectationSuite:
    """Build the suite for the vendor's stock export (stock.csv)."""
    import great_expectations as gx

    return gx.ExpectationSuite(
        name="raw_vendor.vendor_stock",
        expectations=[
            *_keys_present_and_unique(["snapshot_date", "warehouse_code", "vendor_sku"]),
            *_not_negative(["on_hand_units", "reserved_units"]),
            *_time_expectations(**STOCK_TIMES),
        ],
    )


def vendor_catalogue_suite() -> gx.ExpectationSuite:
    """Build the suite for the vendor's catalogue export (catalogue.csv)."""
    import great_expectations as gx

    return gx.ExpectationSuite(
        name="raw_vendor.vendor_catalogue",
        expectations=[
            *_keys_present_and_unique(["asin"]),
            _greater_than_zero("case_size", "case size"),
            *_not_negative(["unit_cost_amount", "lead_time_days"]),
            *_currency_codes(["currency_code"]),
        ],
    )


_CARTON_CHECK_DIGIT = {"computed_carton_id_check_digit_valid": sscc_check_digit_sql("carton_id")}

SUITES: dict[str, SuiteSpec] = {
    spec.table: spec
    for spec in [
        SuiteSpec(
            table="analytics.outbound_acknowledgement_lines",
            build_suite=outbound_acknowledgement_lines_suite,
            key_columns=("purchase_order_number", "item_sequence_number", "acknowledgement_code"),
            blocking=True,
            sql_columns={
                "computed_ordered_eaches": (
                    "ordered_quantity_amount * ordered_quantity_unit_size"
                ),
                "computed_acknowledged_eaches": (
                    "acknowledged_quantity_amount * acknowledged_quantity_unit_size"
                ),
            },
        ),
        SuiteSpec(
            table="analytics.outbound_shipment_confirmations",
            build_suite=outbound_shipment_confirmations_suite,
            key_columns=("shipment_id",),
            blocking=True,
        ),
        SuiteSpec(
            table="analytics.outbound_shipment_lines",
            build_suite=outbound_shipment_lines_suite,
            key_columns=(
                "shipment_id",
                "carton_id",
                "purchase_order_number",
                "item_sequence_number",
            ),
            blocking=True,
            sql_columns=_CARTON_CHECK_DIGIT,
        ),
        SuiteSpec(
            table="analytics.outbound_invoices",
            build_suite=outbound_invoices_suite,
            # The invoice grain lacks the PO number, which finance needs to chase a failure.
            key_columns=("invoice_id", "purchase_order_number"),
            blocking=True,
            sql_columns={
                "computed_invoice_total_cents": _cents("invoice_total_amount"),
                "computed_components_total_cents": _cents(
                    "line_total_amount + tax_total_amount + charge_total_amount"
                    " - allowance_total_amount"
                ),
            },
        ),
        SuiteSpec(
            table="analytics.outbound_invoice_lines",
            build_suite=outbound_invoice_lines_suite,
            key_columns=("invoice_id", "invoice_line_number", "purchase_order_number"),
            blocking=True,
            sql_columns={
                "computed_line_amount_cents": _cents("line_amount"),
                "computed_eaches_times_cost_cents": _cents("invoiced_eaches * net_cost_amount"),
                "computed_net_cost_exact": _exact_decimal("net_cost_amount"),
                "computed_po_net_cost_exact": _exact_decimal("po_net_cost_amount"),
            },
        ),
        SuiteSpec(
            table="raw_vendor.purchase_orders",
            build_suite=purchase_orders_suite,
            key_columns=("account", "purchase_order_number"),
            blocking=False,
            sql_columns=_time_columns(**PURCHASE_ORDER_TIMES),
        ),
        SuiteSpec(
            table="raw_vendor.purchase_order_items",
            build_suite=purchase_order_items_suite,
            key_columns=("account", "purchase_order_number", "item_sequence_number"),
            blocking=False,
        ),
        SuiteSpec(
            table="raw_vendor.purchase_order_status",
            build_suite=purchase_order_status_suite,
            key_columns=("account", "purchase_order_number"),
            blocking=False,
            sql_columns=_time_columns(**PURCHASE_ORDER_STATUS_TIMES),
        ),
        SuiteSpec(
            table="raw_vendor.purchase_order_status_items",
            build_suite=purchase_order_status_items_suite,
            key_columns=("account", "purchase_order_number", "item_sequence_number"),
            blocking=False,
            sql_columns=_time_columns(**STATUS_ITEM_TIMES),
        ),
        SuiteSpec(
            table="raw_vendor.vendor_forecasts",
            build_suite=vendor_forecasts_suite,
            key_columns=tuple(FORECAST_KEYS),
            blocking=False,
            sql_columns=_time_columns(**FORECAST_TIMES),
        ),
        SuiteSpec(
            table="raw_vendor.vendor_inventory",
            build_suite=vendor_inventory_suite,
            key_columns=tuple(INVENTORY_KEYS),
            blocking=False,
            sql_columns=_time_columns(**INVENTORY_TIMES),
        ),
        SuiteSpec(
            table="raw_vendor.vendor_traffic",
            build_suite=vendor_traffic_suite,
            key_columns=tuple(ANALYTICS_PERIOD_KEYS),
            blocking=False,
            sql_columns=_time_columns(**ANALYTICS_PERIOD_TIMES),
        ),
        SuiteSpec(
            table="raw_vendor.vendor_net_pure_product_margin",
            build_suite=vendor_net_pure_product_margin_suite,
            key_columns=tuple(ANALYTICS_PERIOD_KEYS),
            blocking=False,
            sql_columns=_time_columns(**ANALYTICS_PERIOD_TIMES),
        ),
        SuiteSpec(
            table="raw_vendor.vendor_real_time_inventory",
            build_suite=vendor_real_time_inventory_suite,
            key_columns=tuple(REAL_TIME_KEYS),
            blocking=False,
            sql_columns={
                **_time_columns(**REAL_TIME_TIMES),
                "computed_is_one_hour": "end_time - start_time = interval 1 hour",
            },
        ),
        SuiteSpec(
            table="raw_vendor.vendor_shipments",
            build_suite=vendor_shipments_suite,
            key_columns=tuple(SHIPMENT_KEYS),
            blocking=False,
            sql_columns={**_time_columns(**SHIPMENT_TIMES), **_CARTON_CHECK_DIGIT},
        ),
        SuiteSpec(
            table="raw_vendor.vendor_stock",
            build_suite=vendor_stock_suite,
            key_columns=("snapshot_date", "warehouse_code", "vendor_sku"),
            blocking=False,
            sql_columns=_time_columns(**STOCK_TIMES),
        ),
        SuiteSpec(
            table="raw_vendor.vendor_catalogue",
            build_suite=vendor_catalogue_suite,
            key_columns=("asin",),
            blocking=False,
        ),
    ]
}


class UnknownTableError(LookupError):
    """Raised when a table has no validation suite."""


def suite_spec(table: str) -> SuiteSpec:
    """Return the spec registered for a table, or raise UnknownTableError naming the known ones."""
    try:
        return SUITES[table]
    except KeyError:
        known = ", ".join(sorted(SUITES))
        raise UnknownTableError(
            f"no validation suite for table {table!r}; known tables: {known}"
        ) from None
