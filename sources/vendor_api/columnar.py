"""The order tables built with Arrow from a listing page's JSON, with no Python object per value.

`read_records` parses a page's records with Arrow's JSON reader, typed as Amazon's Vendor Orders
model types them. The `*_table` functions return the same tables as the row builders in
`rows.py` followed by `arrow.to_arrow`, for pages whose values all fit their columns.

A page that needs a check only the row builders make gets None from `read_records` or a
`*_table` function, and its caller builds it row by row, where each bad value gets an error
naming its record and field. Such pages hold one of these:
- a value of another JSON type than the model's;
- a field the model lacks;
- a required field that is missing;
- a time without a zone;
- an amount with more than 9 decimal places;
- a unit other than Cases or Eaches.
"""

import io
from collections.abc import Iterable, Mapping

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from . import columns
from .arrow import arrow_schema
from .fields import KNOWN_FIELDS

_QUANTITY = pa.struct([("amount", pa.int64()), ("unitOfMeasure", pa.string()), ("unitSize", pa.int64())])
_MONEY = pa.struct([("currencyCode", pa.string()), ("amount", pa.string())])
_PARTY = pa.struct([("partyId", pa.string())])

_ORDER_ITEM = pa.struct(
    [
        ("itemSequenceNumber", pa.string()),
        ("amazonProductIdentifier", pa.string()),
        ("vendorProductIdentifier", pa.string()),
        ("orderedQuantity", _QUANTITY),
        ("isBackOrderAllowed", pa.bool_()),
        ("netCost", _MONEY),
        ("listPrice", _MONEY),
    ]
)
_ORDER = pa.struct(
    [
        ("purchaseOrderNumber", pa.string()),
        ("purchaseOrderState", pa.string()),
        (
            "orderDetails",
            pa.struct(
                [
                    ("purchaseOrderDate", pa.string()),
                    ("purchaseOrderChangedDate", pa.string()),
                    ("purchaseOrderStateChangedDate", pa.string()),
                    ("purchaseOrderType", pa.string()),
                    ("dealCode", pa.string()),
                    ("paymentMethod", pa.string()),
                    ("buyingParty", _PARTY),
                    ("sellingParty", _PARTY),
                    ("shipToParty", _PARTY),
                    ("billToParty", _PARTY),
                    ("shipWindow", pa.string()),
                    ("deliveryWindow", pa.string()),
                    ("items", pa.list_(_ORDER_ITEM)),
                ]
            ),
        ),
    ]
)
_STATUS_ITEM = pa.struct(
    [
        ("itemSequenceNumber", pa.string()),
        ("buyerProductIdentifier", pa.string()),
        ("vendorProductIdentifier", pa.string()),
        ("netCost", _MONEY),
        ("listPrice", _MONEY),
        (
            "orderedQuantity",
            pa.struct(
                [
                    ("orderedQuantity", _QUANTITY),
                    (
                        "orderedQuantityDetails",
                        pa.list_(
                            pa.struct(
                                [
                                    ("updatedDate", pa.string()),
                                    ("orderedQuantity", _QUANTITY),
                                    ("cancelledQuantity", _QUANTITY),
                                ]
                            )
                        ),
                    ),
                ]
            ),
        ),
        (
            "acknowledgementStatus",
            pa.struct(
                [
                    ("confirmationStatus", pa.string()),
                    ("acceptedQuantity", _QUANTITY),
                    ("rejectedQuantity", _QUANTITY),
                    (
                        "acknowledgementStatusDetails",
                        pa.list_(
                            pa.struct(
                                [
                                    ("acknowledgementDate", pa.string()),
                                    ("acceptedQuantity", _QUANTITY),
                                    ("rejectedQuantity", _QUANTITY),
                                ]
                            )
                        ),
                    ),
                ]
            ),
        ),
        (
            "receivingStatus",
            pa.struct(
                [("receiveStatus", pa.string()), ("receivedQuantity", _QUANTITY), ("lastReceiveDate", pa.string())]
            ),
        ),
    ]
)
_STATUS = pa.struct(
    [
        ("purchaseOrderNumber", pa.string()),
        ("purchaseOrderStatus", pa.string()),
        ("purchaseOrderDate", pa.string()),
        ("lastUpdatedDate", pa.string()),
        ("sellingParty", _PARTY),
        ("shipToParty", _PARTY),
        ("itemStatus", pa.list_(_STATUS_ITEM)),
    ]
)

# The record type of each listing, and the record kinds of `fields.KNOWN_FIELDS` checked at each
# nesting level for fields the model lacks.
RECORD_TYPES = {"orders": _ORDER, "ordersStatus": _STATUS}
_NESTED_KINDS = {
    "orders": {(): "order", ("orderDetails",): "orderDetails", ("orderDetails", "items"): "orderItem"},
    "ordersStatus": {(): "orderStatus", ("itemStatus",): "orderItemStatus"},
}

_TIMESTAMP = pa.timestamp("us", tz="UTC")
_DECIMAL = pa.decimal128(38, 9)


class NeedsRowPath(Exception):
    """A value needs the row builders' checks; the page is built row by row instead."""


def read_records(records_json: bytes, listing_key: str) -> pa.StructArray | None:
    """Parse a JSON array of listing records into one struct per record.

    Returns None when Arrow cannot read the records as the model types them, or when a record
    has a field the model lacks (the row builders give that field a column of its own).
    """
    line = b'{"r":' + records_json + b"}"
    schema = pa.schema([("r", pa.list_(RECORD_TYPES[listing_key]))])
    try:
        table = pa_json.read_json(
            io.BytesIO(line),
            read_options=pa_json.ReadOptions(use_threads=False, block_size=len(line) + 1),
            parse_options=pa_json.ParseOptions(
                explicit_schema=schema, newlines_in_values=True, unexpected_field_behavior="infer"
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return None
    column = table.column("r")
    if column.null_count or len(column) != 1:
        return None
    records = column.chunk(0).flatten()
    if _has_new_fields(records.type, _NESTED_KINDS[listing_key]):
        return None
    return records


def _has_new_fields(record_type: pa.DataType, kinds: Mapping[tuple[str, ...], str]) -> bool:
    for path, kind in kinds.items():
        value_type = record_type
        for name in path:
            value_type = value_type.field(name).type
            if pa.types.is_list(value_type):
                value_type = value_type.value_type
        if not KNOWN_FIELDS[kind].issuperset(field.name for field in value_type):
            return True
    return False


def _field(array: pa.Array, *path: str) -> pa.Array:
    """Return a nested field, null wherever the field or any struct on its path is null."""
    for name in path:
        array = pc.struct_field(array, name)
    return array


def _required(values: pa.Array) -> pa.Array:
    if values.null_count or pc.any(pc.equal(values, "")).as_py():
        raise NeedsRowPath
    return values


def _timestamps(values: pa.Array) -> pa.Array:
    try:
        return pc.cast(values, _TIMESTAMP)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise NeedsRowPath from None


def _window(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    parts = pc.split_pattern(values, "--")
    lengths = pc.list_value_length(parts)
    if pc.any(pc.not_equal(lengths, 2)).as_py():
        raise NeedsRowPath
    return _timestamps(pc.list_element(parts, 0)), _timestamps(pc.list_element(parts, 1))


def _money(values: pa.Array, prefix: str) -> dict[str, pa.Array]:
    try:
        amount = pc.cast(_field(values, "amount"), _DECIMAL)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise NeedsRowPath from None
    return {f"{prefix}_amount": amount, f"{prefix}_currency_code": _field(values, "currencyCode")}


def _quantity(values: pa.Array, prefix: str) -> dict[str, pa.Array]:
    """`rows.quantity_columns` over an array: a quantity with no amount, unit or size is absent."""
    amount = _field(values, "amount")
    unit = _field(values, "unitOfMeasure")
    size = _field(values, "unitSize")
    lower = pc.utf8_lower(unit)
    named = pc.if_else(
        pc.equal(lower, "cases"),
        pa.scalar("Cases"),
        pc.if_else(pc.equal(lower, "eaches"), pa.scalar("Eaches"), pa.scalar(None, pa.string())),
    )
    if named.null_count != unit.null_count:
        raise NeedsRowPath
    present = pc.or_(pc.or_(pc.is_valid(amount), pc.is_valid(unit)), pc.is_valid(size))
    size = pc.if_else(present, pc.coalesce(size, pa.scalar(1, pa.int64())), pa.scalar(None, pa.int64()))
    return {f"{prefix}_amount": amount, f"{prefix}_unit_of_measure": named, f"{prefix}_unit_size": size}


def _table(values: Mapping[str, pa.Array | pa.Scalar], length: int, schema: pa.Schema) -> pa.Table:
    """Return the columns of `schema` from `values`; a scalar fills its column."""
    arrays = []
    for field in schema:
        value = values[field.name]
        if isinstance(value, pa.Scalar):
            value = pa.repeat(value, length)
        arrays.append(value.cast(field.type) if value.type != field.type else value)
    return pa.Table.from_arrays(arrays, schema=schema)


def _with_parents(children: pa.ListArray, parent_columns: Mapping[str, pa.Array]) -> tuple[pa.Array, dict[str, pa.Array]]:
    """Return the list's entries and each parent column repeated once per entry."""
    parents = pc.list_parent_indices(children)
    return pc.list_flatten(children), {name: pc.take(column, parents) for name, column in parent_columns.items()}


ORDERS_SCHEMA = arrow_schema(columns.PURCHASE_ORDERS)
ITEMS_SCHEMA = arrow_schema(columns.PURCHASE_ORDER_ITEMS)
STATUS_SCHEMA = arrow_schema(columns.PURCHASE_ORDER_STATUS)
STATUS_ITEMS_SCHEMA = arrow_schema(columns.PURCHASE_ORDER_STATUS_ITEMS)
STATUS_ACKNOWLEDGEMENTS_SCHEMA = arrow_schema(columns.PURCHASE_ORDER_STATUS_ACKNOWLEDGEMENTS)
STATUS_QUANTITY_CHANGES_SCHEMA = arrow_schema(columns.PURCHASE_ORDER_STATUS_QUANTITY_CHANGES)


def purchase_orders_table(orders: pa.StructArray, account: str) -> pa.Table | None:
    try:
        details = _field(orders, "orderDetails")
        ship_start, ship_end = _window(_field(details, "shipWindow"))
        delivery_start, delivery_end = _window(_field(details, "deliveryWindow"))
        values = {
            "account": pa.scalar(account),
            "vendor_code": _field(details, "sellingParty", "partyId"),
            "purchase_order_number": _required(_field(orders, "purchaseOrderNumber")),
            "purchase_order_state": _required(_field(orders, "purchaseOrderState")),
            "purchase_order_type": _field(details, "purchaseOrderType"),
            "purchase_order_date": _timestamps(_required(_field(details, "purchaseOrderDate"))),
            "purchase_order_changed_date": _timestamps(_field(details, "purchaseOrderChangedDate")),
            "purchase_order_state_changed_date": _timestamps(_required(_field(details, "purchaseOrderStateChangedDate"))),
            "payment_method": _field(details, "paymentMethod"),
            "deal_code": _field(details, "dealCode"),
            "buying_party_id": _field(details, "buyingParty", "partyId"),
            "selling_party_id": _field(details, "sellingParty", "partyId"),
            "ship_to_party_id": _field(details, "shipToParty", "partyId"),
            "bill_to_party_id": _field(details, "billToParty", "partyId"),
            "ship_window_start": ship_start,
            "ship_window_end": ship_end,
            "delivery_window_start": delivery_start,
            "delivery_window_end": delivery_end,
        }
        return _table(values, len(orders), ORDERS_SCHEMA)
    except NeedsRowPath:
        return None


def purchase_order_items_table(orders: pa.StructArray, account: str) -> pa.Table | None:
    try:
        details = _field(orders, "orderDetails")
        items, parent = _with_parents(
            _field(details, "items"),
            {
                "purchase_order_number": _required(_field(orders, "purchaseOrderNumber")),
                "vendor_code": _field(details, "sellingParty", "partyId"),
            },
        )
        values = {
            "account": pa.scalar(account),
            **parent,
            "item_sequence_number": _required(_field(items, "itemSequenceNumber")),
            "amazon_product_identifier": _field(items, "amazonProductIdentifier"),
            "vendor_product_identifier": _field(items, "vendorProductIdentifier"),
            **_quantity(_field(items, "orderedQuantity"), "ordered_quantity"),
            "is_back_order_allowed": _field(items, "isBackOrderAllowed"),
            **_money(_field(items, "netCost"), "net_cost"),
            **_money(_field(items, "listPrice"), "list_price"),
        }
        return _table(values, len(items), ITEMS_SCHEMA)
    except NeedsRowPath:
        return None


def purchase_order_status_table(statuses: pa.StructArray, account: str) -> pa.Table | None:
    try:
        values = {
            "account": pa.scalar(account),
            "vendor_code": _field(statuses, "sellingParty", "partyId"),
            "purchase_order_number": _required(_field(statuses, "purchaseOrderNumber")),
            "purchase_order_status": _required(_field(statuses, "purchaseOrderStatus")),
            "purchase_order_date": _timestamps(_required(_field(statuses, "purchaseOrderDate"))),
            "last_updated_date": _timestamps(_field(statuses, "lastUpdatedDate")),
            "selling_party_id": _field(statuses, "sellingParty", "partyId"),
            "ship_to_party_id": _field(statuses, "shipToParty", "partyId"),
        }
        return _table(values, len(statuses), STATUS_SCHEMA)
    except NeedsRowPath:
        return None


def _status_items(statuses: pa.StructArray) -> tuple[pa.Array, dict[str, pa.Array]]:
    items, parent = _with_parents(
        _field(statuses, "itemStatus"),
        {
            "purchase_order_number": _required(_field(statuses, "purchaseOrderNumber")),
            "vendor_code": _field(statuses, "sellingParty", "partyId"),
        },
    )
    parent["item_sequence_number"] = _required(_field(items, "itemSequenceNumber"))
    return items, parent


def _cancelled(ordered: pa.Array, item_count: int) -> dict[str, pa.Array]:
    """`rows._cancelled_quantity` over an array of `orderedQuantity` objects, one per item."""
    base = _quantity(_field(ordered, "orderedQuantity"), "base")
    details = _field(ordered, "orderedQuantityDetails")
    entries = _quantity(_field(pc.list_flatten(details), "cancelledQuantity"), "q")
    present = pc.is_valid(entries["q_unit_size"])
    if not pc.any(present).as_py():
        return {
            "cancelled_quantity_amount": pa.array([0] * item_count, pa.int64()),
            "cancelled_quantity_unit_of_measure": base["base_unit_of_measure"],
            "cancelled_quantity_unit_size": base["base_unit_size"],
        }

    item = pc.list_parent_indices(details)
    amount = pc.coalesce(entries["q_amount"], 0)
    size = entries["q_unit_size"]
    unit_key = pc.binary_join_element_wise(
        pc.coalesce(entries["q_unit_of_measure"], ""), pc.cast(size, pa.string()), "/"
    )
    grouped = (
        pa.table(
            {
                "item": item,
                "amount": amount,
                "eaches": pc.multiply(amount, size),
                "unit": entries["q_unit_of_measure"],
                "size": size,
                "unit_key": unit_key,
            }
        )
        .filter(present)
        .group_by("item", use_threads=False)
        .aggregate(
            [
                ("amount", "sum"),
                ("eaches", "sum"),
                ("unit", "first"),
                ("size", "first"),
                ("unit_key", "count_distinct"),
            ]
        )
    )

    one_unit = pc.equal(grouped["unit_key_count_distinct"], 1)
    group_amount = pc.if_else(one_unit, grouped["amount_sum"], grouped["eaches_sum"])
    group_unit = pc.if_else(one_unit, grouped["unit_first"], pa.scalar("Eaches"))
    group_size = pc.if_else(one_unit, grouped["size_first"], pa.scalar(1, pa.int64()))
    # Scatter the per-item totals back to every item; items with no cancelled entry keep 0 in
    # the ordered unit.
    position = pc.index_in(pa.array(range(item_count), pa.int64()), value_set=pc.cast(grouped["item"], pa.int64()))
    has_entry = pc.is_valid(position)
    return {
        "cancelled_quantity_amount": pc.if_else(has_entry, pc.take(group_amount, position), 0),
        "cancelled_quantity_unit_of_measure": pc.if_else(
            has_entry, pc.take(group_unit, position), base["base_unit_of_measure"]
        ),
        "cancelled_quantity_unit_size": pc.if_else(has_entry, pc.take(group_size, position), base["base_unit_size"]),
    }


def purchase_order_status_items_table(statuses: pa.StructArray, account: str) -> pa.Table | None:
    try:
        items, parent = _status_items(statuses)
        ordered = _field(items, "orderedQuantity")
        acknowledgement = _field(items, "acknowledgementStatus")
        receiving = _field(items, "receivingStatus")
        values = {
            "account": pa.scalar(account),
            **parent,
            "buyer_product_identifier": _field(items, "buyerProductIdentifier"),
            "vendor_product_identifier": _field(items, "vendorProductIdentifier"),
            **_money(_field(items, "netCost"), "net_cost"),
            **_money(_field(items, "listPrice"), "list_price"),
            **_quantity(_field(ordered, "orderedQuantity"), "ordered_quantity"),
            **_cancelled(ordered, len(items)),
            "confirmation_status": _field(acknowledgement, "confirmationStatus"),
            **_quantity(_field(acknowledgement, "acceptedQuantity"), "accepted_quantity"),
            **_quantity(_field(acknowledgement, "rejectedQuantity"), "rejected_quantity"),
            "receive_status": _field(receiving, "receiveStatus"),
            **_quantity(_field(receiving, "receivedQuantity"), "received_quantity"),
            "last_receive_date": _timestamps(_field(receiving, "lastReceiveDate")),
        }
        return _table(values, len(items), STATUS_ITEMS_SCHEMA)
    except NeedsRowPath:
        return None


def _status_details(
    statuses: pa.StructArray,
    account: str,
    path: tuple[str, str],
    timestamp: tuple[str, str],
    quantities: Iterable[tuple[str, str]],
    schema: pa.Schema,
) -> pa.Table | None:
    """`rows._status_item_details` over a page: one row per entry of a history list of each item."""
    try:
        items, parent = _status_items(statuses)
        lists = _field(items, *path)
        entries, per_entry = _with_parents(lists, parent)
        starts = pc.list_value_length(lists).to_pylist()
        index = [position for length in starts if length for position in range(length)]
        field, column = timestamp
        values = {
            "account": pa.scalar(account),
            **per_entry,
            "detail_index": pa.array(index, pa.int64()),
            column: _timestamps(_field(entries, field)),
        }
        for field, prefix in quantities:
            values.update(_quantity(_field(entries, field), prefix))
        return _table(values, len(entries), schema)
    except NeedsRowPath:
        return None


def purchase_order_status_acknowledgements_table(statuses: pa.StructArray, account: str) -> pa.Table | None:
    return _status_details(
        statuses,
        account,
        ("acknowledgementStatus", "acknowledgementStatusDetails"),
        ("acknowledgementDate", "acknowledgement_date"),
        (("acceptedQuantity", "accepted_quantity"), ("rejectedQuantity", "rejected_quantity")),
        STATUS_ACKNOWLEDGEMENTS_SCHEMA,
    )


def purchase_order_status_quantity_changes_table(statuses: pa.StructArray, account: str) -> pa.Table | None:
    return _status_details(
        statuses,
        account,
        ("orderedQuantity", "orderedQuantityDetails"),
        ("updatedDate", "updated_date"),
        (("orderedQuantity", "ordered_quantity"), ("cancelledQuantity", "cancelled_quantity")),
        STATUS_QUANTITY_CHANGES_SCHEMA,
    )
