"""The run summary's closing lines point a person to the documents that need them."""

import dagster as dg

from orchestration.outbound.submit import RESENT_METADATA_KEY
from orchestration.summary import attention_lines, resent_documents, resent_line


def test_counts_across_document_types():
    outbound = {
        "invoice": {"held": 1, "success": 49},
        "shipment_confirmation": {"failure": 47, "success": 3},
        "acknowledgement": {"success": 650, "failure": 2},
    }

    # 47 + 2 failures; nothing waits for review, so no line for it.
    assert attention_lines(outbound) == [
        "1 document is held: see 'acorn outbound --state held'",
        "49 documents have failed: see 'acorn outbound --state failure'",
    ]


def test_nothing_to_see():
    assert attention_lines({"acknowledgement": {"success": 3}}) == []


def test_review_line():
    assert attention_lines({"invoice": {"needs_review": 2}}) == [
        "2 documents are waiting for review: see 'acorn outbound --state needs_review'"
    ]


def test_one_failure_line():
    assert attention_lines({"invoice": {"failure": 1}}) == [
        "1 document has failed: see 'acorn outbound --state failure'"
    ]


def test_resent_line():
    assert resent_line(0) == []
    assert resent_line(2) == [
        "2 documents were sent again because another document of the same call failed: their events in "
        "outbound.document_events and data/ledger/ name the failed transaction"
    ]


def test_resent_count_from_metadata():
    @dg.asset(key=dg.AssetKey(["outbound", "transactions"]))
    def transactions():
        return dg.MaterializeResult(metadata={RESENT_METADATA_KEY: 3, "polled": 4})

    result = dg.materialize([transactions])

    assert resent_documents(result) == 3
