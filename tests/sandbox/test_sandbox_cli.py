"""`python -m sandbox serve` writes the inbox, prints its URL and stops cleanly on SIGTERM or SIGINT."""

import os
import signal
import subprocess
import sys
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
