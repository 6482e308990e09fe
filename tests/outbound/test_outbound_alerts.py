"""Alerts for documents needing a person and for purchase orders near their acknowledgement deadline."""

from datetime import UTC, datetime, timedelta

import dagster as dg
import duckdb
import pytest

from orchestration.cli import main
from orchestration.defs.outbound import outbound_attention
from orchestration.outbound.alerts import outbound_alerts
from orchestration.outbound.config import OutboundSettings
from orchestration.outbound.ledger import Ledger
from orchestration.resources import AcornResource

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def make_warehouse(path, ledger_dir) -> None:
    """Five New POs at different ages, one Acknowledged, and a ledger with one document per state."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw_vendor")
        con.execute(
            "create table raw_vendor.purchase_orders "
            "(purchase_order_number varchar, purchase_order_state varchar, purchase_order_date timestamptz)"
        )
        con.executemany(
            "insert into raw_vendor.purchase_orders values (?, ?, ?)",
            [
                ("PONEW001", "New", NOW - timedelta(hours=2)),  # 22 h left: no alert
                ("PONEW002", "New", NOW - timedelta(hours=19)),  # 5 h left: due
                ("PONEW003", "New", NOW - timedelta(hours=27, minutes=30)),  # 3.5 h past: overdue
                ("PONEW004", "New", NOW - timedelta(hours=30)),  # acknowledgement accepted: no alert
                ("PONEW005", "New", NOW - timedelta(hours=18)),  # exactly 6 h left: due
                ("POACK006", "Acknowledged", NOW - timedelta(hours=40)),
            ],
        )
        ledger = Ledger(con, ledger_dir)
        for number, state, reason in (
            ("PONEW004", "accepted", None),
            ("PONEW003", "held", "line 2 ASIN B0UNKNOWN is not in the catalogue"),
        ):
            document_id = f"acknowledgement:{number}"
            ledger.record_built(document_id, "acknowledgement", number, {}, "0" * 64)
            if state == "held":
                ledger.transition(document_id, "held", reason, hold_reason=reason)
            else:
                ledger.transition(document_id, "validated")
                ledger.transition(document_id, "submitting")
                ledger.transition(document_id, "accepted", transaction_id="T1")
        ledger.record_built("invoice:INV9", "invoice", "INV9", {}, "0" * 64)
        ledger.transition("invoice:INV9", "validated")
        ledger.transition("invoice:INV9", "submitting")
        ledger.transition("invoice:INV9", "failure", errors=[{"code": "DUPLICATE_INVOICE_ID"}])


@pytest.fixture
def warehouse(tmp_path):
    make_warehouse(tmp_path / "warehouse.duckdb", tmp_path / "ledger")
    return tmp_path / "warehouse.duckdb"


def test_alerts_by_kind_and_deadline(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        alerts = outbound_alerts(con, OutboundSettings(), NOW)

    assert [(alert.kind, alert.subject) for alert in alerts] == [
        ("failure", "invoice:INV9"),
        ("held", "acknowledgement:PONEW003"),
        ("acknowledgement_overdue", "PONEW003"),
        ("acknowledgement_due", "PONEW002"),
        ("acknowledgement_due", "PONEW005"),
    ]
    messages = {alert.key: alert.message for alert in alerts}
    assert messages["acknowledgement_overdue:PONEW003"] == (
        "PO PONEW003 is not acknowledged; the deadline 2026-12-04 08:30 UTC passed 3.5 h ago"
    )
    assert messages["acknowledgement_due:PONEW002"] == (
        "PO PONEW002 is not acknowledged; the deadline 2026-12-04 17:00 UTC is in 5.0 h"
    )
    assert messages["failure:invoice:INV9"] == 'invoice:INV9 is failure: [{"code":"DUPLICATE_INVOICE_ID"}]'


def test_longer_limit_moves_the_deadlines(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        alerts = outbound_alerts(con, OutboundSettings(acknowledgement_hours=48, acknowledgement_warning_hours=20), NOW)

    # 48 h from the PO date: PONEW003 has 20.5 h left, PONEW002 29 h, PONEW005 30 h.
    assert [alert.key for alert in alerts if alert.kind.startswith("acknowledgement")] == []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        alerts = outbound_alerts(con, OutboundSettings(acknowledgement_hours=48, acknowledgement_warning_hours=21), NOW)
    assert [alert.key for alert in alerts if alert.kind.startswith("acknowledgement")] == ["acknowledgement_due:PONEW003"]


def test_warehouse_without_ledger_or_orders(tmp_path):
    with duckdb.connect(str(tmp_path / "empty.duckdb")) as con:
        assert outbound_alerts(con, OutboundSettings(), NOW) == []


def test_sensor_logs_each_alert_once(warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("ACORN_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("ACORN_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("orchestration.defs.outbound.utc_now", lambda: NOW)
    instance = dg.DagsterInstance.ephemeral()
    context = dg.build_sensor_context(instance=instance, resources={"acorn": AcornResource(home=str(tmp_path))})
    logged = []
    monkeypatch.setattr(context.log, "warning", logged.append)

    first = outbound_attention(context)
    second = outbound_attention(context)

    assert first.skip_message == (
        "needs attention: 2 acknowledgement_due, 1 acknowledgement_overdue, 1 failure, 1 held; see 'acorn outbound alerts'"
    )
    assert len(logged) == 5
    assert second.skip_message == first.skip_message
    assert len(logged) == 5


def test_alerts_command(warehouse, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ACORN_HOME", str(tmp_path))
    monkeypatch.setenv("ACORN_WAREHOUSE", str(warehouse))

    status = main(["outbound", "alerts"])

    lines = capsys.readouterr().out.splitlines()
    assert status == 1
    assert lines[-1] == "5 alerts"
    assert lines[0].split()[:2] == ["failure", "invoice:INV9"]
