"""The order status history lists flattened into their own rows, checked against hand-made input."""

from datetime import UTC, datetime

import pytest

from sources.vendor_api import RecordError
from sources.vendor_api.rows import (
    purchase_order_status_acknowledgement_rows,
    purchase_order_status_quantity_change_rows,
)

STATUS = {
    "purchaseOrderNumber": "PO000007",
    "sellingParty": {"partyId": "ACRNV"},
    "itemStatus": [
        {
            "itemSequenceNumber": "1",
            "orderedQuantity": {
                "orderedQuantity": {"amount": 10, "unitOfMeasure": "Cases", "unitSize": 12},
                "orderedQuantityDetails": [
                    {
                        "updatedDate": "2024-06-01T08:00:00Z",
                        "orderedQuantity": {"amount": 10, "unitOfMeasure": "Cases", "unitSize": 12},
                    },
                    {
                        "updatedDate": "2024-06-03T10:30:00+02:00",
                        "orderedQuantity": {"amount": 10, "unitOfMeasure": "Cases", "unitSize": 12},
                        "cancelledQuantity": {"amount": 3, "unitOfMeasure": "Cases", "unitSize": 12},
                    },
                ],
            },
            "acknowledgementStatus": {
                "acknowledgementStatusDetails": [
                    {
                        "acknowledgementDate": "2024-06-02T09:00:00Z",
                        "acceptedQuantity": {"amount": 84, "unitOfMeasure": "Eaches"},
                        "rejectedQuantity": {"amount": 1, "unitOfMeasure": "Cases", "unitSize": 12},
                    }
                ]
            },
        },
        {"itemSequenceNumber": "2"},
    ],
}


def test_acknowledgement_history_rows():
    assert purchase_order_status_acknowledgement_rows(STATUS, "acct") == [
        {
            "account": "acct",
            "vendor_code": "ACRNV",
            "purchase_order_number": "PO000007",
            "item_sequence_number": "1",
            "detail_index": 0,
            "acknowledgement_date": datetime(2024, 6, 2, 9, tzinfo=UTC),
            "accepted_quantity_amount": 84,
            "accepted_quantity_unit_of_measure": "Eaches",
            "accepted_quantity_unit_size": 1,
            "rejected_quantity_amount": 1,
            "rejected_quantity_unit_of_measure": "Cases",
            "rejected_quantity_unit_size": 12,
        }
    ]


def test_quantity_change_rows_keep_order_and_unit():
    rows = purchase_order_status_quantity_change_rows(STATUS, "acct")

    assert [row["detail_index"] for row in rows] == [0, 1]
    # 10:30 at +02:00 is 08:30 UTC.
    assert rows[1]["updated_date"] == datetime(2024, 6, 3, 8, 30, tzinfo=UTC)
    assert rows[0]["cancelled_quantity_amount"] is None
    assert (
        rows[1]["cancelled_quantity_amount"],
        rows[1]["cancelled_quantity_unit_of_measure"],
        rows[1]["cancelled_quantity_unit_size"],
    ) == (3, "Cases", 12)
    assert rows[1]["ordered_quantity_amount"] == 10
    assert [row["vendor_code"] for row in rows] == ["ACRNV", "ACRNV"]


def test_bad_history_date_names_the_entry():
    status = {
        "purchaseOrderNumber": "PO000008",
        "itemStatus": [
            {
                "itemSequenceNumber": "4",
                "acknowledgementStatus": {"acknowledgementStatusDetails": [{"acknowledgementDate": "2024-06-02"}]},
            }
        ],
    }

    with pytest.raises(
        RecordError,
        match=r"order status PO000008 item 4: "
        r"acknowledgementStatus.acknowledgementStatusDetails\[0\].acknowledgementDate '2024-06-02' has no time zone",
    ):
        purchase_order_status_acknowledgement_rows(status, "acct")
