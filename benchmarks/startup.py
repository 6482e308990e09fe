"""Time to import the Dagster definitions, and from `acorn ui` until the UI responds."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.common import PROJECT_ROOT, Figure, quiet_environment, run_measured

UI_TIMEOUT_SECONDS = 180


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ui_ready_seconds(env: dict[str, str]) -> float:
    port = _free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "ui", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while time.perf_counter() - started < UI_TIMEOUT_SECONDS:
            if process.poll() is not None:
                raise RuntimeError(f"acorn ui exited with {process.returncode} before the UI responded")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.25)
        raise RuntimeError(f"the UI did not respond on port {port} within {UI_TIMEOUT_SECONDS} s")
    finally:
        _stop_group(process)


def _stop_group(process: subprocess.Popen) -> None:
    """Stop `acorn ui` and every process it started (they share its process group)."""
    os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        process.poll()
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def measure(profile: str, repeat: int) -> list[Figure]:
    imports, ui = [], []
    with tempfile.TemporaryDirectory(prefix="acorn-bench-", ignore_cleanup_errors=True) as scratch:
        env = quiet_environment(Path(scratch))
        command = [sys.executable, "-c", "import orchestration.definitions"]
        for _ in range(repeat):
            _, seconds, _ = run_measured(command, env)
            imports.append(seconds)
            ui.append(_ui_ready_seconds(env))
    return [
        Figure("definitions_import_seconds", "-", "s", imports, command="python -c 'import orchestration.definitions'"),
        Figure("ui_ready_seconds", "-", "s", ui, command="acorn ui, until /server_info answers 200"),
    ]
