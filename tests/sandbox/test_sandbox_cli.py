"""`python -m sandbox serve` writes the inbox, prints its URL and stops cleanly on SIGTERM or SIGINT."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def start_cli(inbox: Path, ignore_sigint: bool = False) -> tuple[subprocess.Popen, str]:
    def ignore() -> None:
        # A background job of a non-interactive shell starts with SIGINT ignored.
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "serve", "--port", "0", "--inbox", str(inbox), "--today", "2026-12-04", "--no-throttle"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ignore if ignore_sigint else None,
    )
    base_url = process.stdout.readline().strip()
    return process, base_url


@pytest.mark.parametrize(("stop_signal", "ignore_sigint"), [(signal.SIGTERM, False), (signal.SIGINT, True)])
def test_serve_writes_inbox_and_stops(tmp_path, stop_signal, ignore_sigint):
    process, base_url = start_cli(tmp_path / "inbox", ignore_sigint)
    try:
        health = httpx.get(base_url + "/_sandbox/health", timeout=10).json()
        written = sorted(path.name for path in (tmp_path / "inbox").iterdir())
    finally:
        os.kill(process.pid, stop_signal)
        _, stderr = process.communicate(timeout=20)

    assert base_url.startswith("http://127.0.0.1:")
    assert health == {"status": "ok", "seed": 7, "profile": "small", "today": "2026-12-04", "ready": True}
    assert written == ["catalogue.csv", "shipments.csv", "stock.csv"]
    assert process.returncode == 0, stderr
    assert "stopped" in stderr


def test_serve_freezes_heap_when_ready(tmp_path):
    process, base_url = start_cli(tmp_path / "inbox")
    try:
        time.sleep(1.5)  # the serve loop checks readiness every 0.5 s
        health = httpx.get(base_url + "/_sandbox/health", timeout=10).json()
    finally:
        os.kill(process.pid, signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)

    assert health["ready"] is True
    assert process.returncode == 0, stderr
    assert "objects excluded from cyclic garbage collection" in stderr


def test_unknown_profile_is_rejected(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sandbox", "serve", "--profile", "huge", "--inbox", str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 2
    assert "invalid choice: 'huge'" in result.stderr


def test_ground_truth_command_writes_one_line_per_po_line(tmp_path):
    from sandbox_testkit import TODAY

    from sandbox.generator import generate_scenario

    out = tmp_path / "truth.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "sandbox", "ground-truth", "--profile", "small", "--today", "2026-12-04", "--out", str(out)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    scenario = generate_scenario(7, "small", TODAY)
    assert len(records) == sum(len(order.lines) for order in scenario.orders.values())
    assert result.stdout.strip() == f"{len(records)} PO lines written to {out}"
    # Shipped eaches, summed by hand from the carton contents of every shipment.
    cartons: dict[tuple[str, str], int] = {}
    for shipment in scenario.shipments:
        for content in shipment.contents:
            key = (content.purchase_order_number, content.item_sequence_number)
            cartons[key] = cartons.get(key, 0) + content.quantity * content.unit_size
    for record in records:
        key = (record["purchase_order_number"], record["item_sequence_number"])
        assert record["shipped_eaches"] == cartons.get(key, 0)
    assert sum(1 for record in records if "short_receipt" in record["tags"]) == 1
