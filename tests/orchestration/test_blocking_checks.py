"""A failed Great Expectations suite on an outbound model stops the documents built from it."""

import json
import sys
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "expectations"))
from expectation_rows import invoice, invoice_line, write_table  # noqa: E402

OUTBOUND_TABLES = [
    "analytics.outbound_acknowledgement_lines",
    "analytics.outbound_shipment_confirmations",
    "analytics.outbound_shipment_lines",
    "analytics.outbound_invoices",
    "analytics.outbound_invoice_lines",
]


@dg.multi_asset(specs=[dg.AssetSpec(dg.AssetKey(table.split("."))) for table in OUTBOUND_TABLES])
def outbound_models_written_by_the_test():
    """Stands in for the dbt build: the test has already written the tables."""
    for table in OUTBOUND_TABLES:
        yield dg.MaterializeResult(asset_key=dg.AssetKey(table.split(".")))


def test_bad_invoice_line_blocks_invoices(tmp_path, monkeypatch, prepared_manifest):
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("ACORN_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("ACORN_DATA_DIR", str(tmp_path))
    for table in OUTBOUND_TABLES[:3]:
        write_table(warehouse, table, [])
    write_table(warehouse, "analytics.outbound_invoices", [invoice(line_total_amount=Decimal("102.00"), tax_total_amount=Decimal("0"), charge_total_amount=Decimal("0"), allowance_total_amount=Decimal("0"), invoice_total_amount=Decimal("102.00"))])
    # 12 eaches at 8.50 make 102.00, so a line amount of 103.00 breaks the arithmetic rule.
    write_table(warehouse, "analytics.outbound_invoice_lines", [invoice_line(line_amount=Decimal("103.00"))])

    from orchestration.defs.outbound import acknowledgements, invoices, shipment_confirmations, transactions
    from orchestration.defs.quality import outbound_model_checks
    from orchestration.resources import AcornResource

    result = dg.materialize(
        [outbound_models_written_by_the_test, *outbound_model_checks, acknowledgements, shipment_confirmations, invoices, transactions],
        resources={"acorn": AcornResource(home=str(Path(__file__).resolve().parents[2]))},
        raise_on_error=False,
    )

    evaluations = {
        evaluation.asset_key.to_user_string(): evaluation for evaluation in result.get_asset_check_evaluations()
    }
    failed = evaluations["analytics/outbound_invoice_lines"]
    materialized = {event.asset_key.to_user_string() for event in result.get_asset_materialization_events()}
    failed_rows = failed.metadata["failed_rows"].value

    assert failed.passed is False
    assert evaluations["analytics/outbound_invoices"].passed is True
    assert any(row["invoice_id"] == "INV-0001" for row in failed_rows)
    assert "outbound/acknowledgements" in materialized
    assert "outbound/shipment_confirmations" in materialized
    assert "outbound/invoices" not in materialized
    assert "outbound/transactions" not in materialized
    with duckdb.connect(str(warehouse), read_only=True) as con:
        invoice_documents = con.execute(
            "select count(*) from outbound.documents where document_type = 'invoice'"
        ).fetchone()[0]
    assert invoice_documents == 0
    assert failed.metadata["failed_rows_table"].value == "quality.failed_rows"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        stored = con.execute(failed.metadata["failed_rows_query"].value).fetchall()
    assert [(row[3], json.loads(row[6])["invoice_id"]) for row in stored] == [
        ("analytics.outbound_invoice_lines", "INV-0001")
    ]
