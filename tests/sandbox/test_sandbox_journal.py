"""The state file: accepted submissions survive a restart of the sandbox."""

import json

import pytest
from sandbox_payloads import ACKNOWLEDGEMENTS, INVOICES, acknowledge_all, invoice, submit, transaction
from sandbox_testkit import TODAY, client_for, truth_line

from sandbox import SandboxConfig, SandboxServer

ORDERS = "/vendor/orders/v1/purchaseOrders"


def test_restart_replays_submissions(start_server, tmp_path):
    state_file = tmp_path / "sandbox" / "state.jsonl"
    first = start_server(state_file=state_file)
    number = truth_line(first.state.ground_truth(), "discontinued")["purchase_order_number"]
    with client_for(first) as api:
        acknowledged = submit(api, ACKNOWLEDGEMENTS, acknowledge_all(first.state.scenario, number))
        failed = submit(api, INVOICES, invoice("INV-J1", [("NOSUCHPO", "B000000000", 1, "1.00")]))
        assert transaction(api, acknowledged)["status"] == "Success"
    first.stop()

    second = start_server(state_file=state_file)
    with client_for(second) as api:
        state = api.get(f"{ORDERS}/{number}").json()["payload"]["purchaseOrderState"]
        replayed = [transaction(api, acknowledged)["status"], transaction(api, failed)["status"]]
        submissions = api.get("/_sandbox/submissions").json()["submissions"]

    assert state == "Acknowledged"
    assert replayed == ["Success", "Failure"]
    assert [entry["transaction_id"] for entry in submissions] == [acknowledged, failed]


def test_state_file_starts_with_the_scenario(start_server, tmp_path):
    state_file = tmp_path / "state.jsonl"
    start_server(state_file=state_file)

    header = json.loads(state_file.read_text().splitlines()[0])

    assert header["type"] == "scenario"
    assert (header["seed"], header["profile"], header["today"]) == (7, "small", TODAY.isoformat())


def test_state_file_of_other_seed_is_rejected(start_server, tmp_path):
    state_file = tmp_path / "state.jsonl"
    start_server(state_file=state_file)

    with pytest.raises(ValueError, match=r"belongs to seed 7, profile small and today 2026-12-04; start with those"):
        SandboxServer(SandboxConfig(seed=8, today=TODAY, state_file=state_file))


def test_damaged_state_file_is_rejected(tmp_path):
    state_file = tmp_path / "state.jsonl"
    state_file.write_text('{"type": "scenario", "seed": 7}\n')

    with pytest.raises(ValueError, match=r"line 1 is not valid .*delete the file to start the sandbox afresh"):
        SandboxServer(SandboxConfig(today=TODAY, state_file=state_file))
