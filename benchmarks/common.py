"""Shared parts of the benchmarks: figures, repetition, the results file and the table."""

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sources.clock import OFFSET_VARIABLE

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RESULTS_FILE = PROJECT_ROOT / "benchmarks" / "results.jsonl"


@dataclass
class Figure:
    """One measured figure: the median of its samples, beside a baseline from the same run."""

    figure: str
    profile: str
    unit: str
    samples: list[float]
    baseline: float | None = None
    baseline_label: str = ""
    target: str = ""
    command: str = ""
    notes: dict = field(default_factory=dict)

    @property
    def value(self) -> float:
        return statistics.median(self.samples)

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline

    def record(self) -> dict:
        data = asdict(self)
        data.update(
            value=self.value,
            min=min(self.samples),
            max=max(self.samples),
            ratio=self.ratio,
            measured_at=datetime.now(UTC).isoformat(),
        )
        return data


def sandbox_client(base_url: str, **options):
    """Return an SP-API client for a sandbox at `base_url`, logged in with its made-up credentials."""
    from sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN
    from sources.spapi.client import SpApiClient

    return SpApiClient(
        endpoint=base_url,
        token_url=base_url + "/auth/o2/token",
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        refresh_token=SANDBOX_REFRESH_TOKEN,
        **options,
    )


def peak_rss_mb(pid: int) -> float:
    """Return the peak resident set size of a running process in MB, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class ExternalSandbox:
    """A sandbox in a process of its own, as Amazon is outside the vendor's machine.

    Start it with `start()`, or with `launch()` and later `wait_ready()` to do other work
    while it generates its profile; it writes the inbox into `data_dir / "inbox"`, keeps its state
    in `data_dir / "sandbox"`, and is ready once `/_sandbox/health` reports `ready`. `env()` gives
    what an acorn process needs to use it; `stop()` returns the server's peak RSS in MB.
    """

    def __init__(self, profile: str, data_dir: Path, today: date | None = None, seed: int = 7) -> None:
        self.profile = profile
        self.data_dir = data_dir
        self.today = today
        self.seed = seed
        self.process: subprocess.Popen | None = None
        self.base_url = ""
        self.ready_seconds = float("nan")

    def start(self, timeout: float = 900) -> "ExternalSandbox":
        return self.launch().wait_ready(timeout)

    def launch(self) -> "ExternalSandbox":
        """Start the server process and return at once; `wait_ready` waits for its profile."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        state = self.data_dir / "sandbox" / f"state-{self.today or 'today'}.jsonl"
        state.parent.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable, "-m", "sandbox", "serve", "--profile", self.profile, "--seed", str(self.seed),
            "--port", str(port), "--inbox", str(self.data_dir / "inbox"), "--state-file", str(state),
            "--log-level", "WARNING",
        ]  # fmt: skip
        if self.today is not None:
            command += ["--today", self.today.isoformat()]
        self._command = command
        self._launched = time.perf_counter()
        self.process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, start_new_session=True)
        return self

    def wait_ready(self, timeout: float = 900) -> "ExternalSandbox":
        """Wait until the server has generated its profile; `ready_seconds` counts from the launch."""
        import httpx

        assert self.process is not None, "launch() the sandbox first"
        while time.perf_counter() - self._launched < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"The sandbox exited with {self.process.returncode}; run {' '.join(self._command)} to see why."
                )
            try:
                if httpx.get(self.base_url + "/_sandbox/health", timeout=5).json().get("ready"):
                    self.ready_seconds = time.perf_counter() - self._launched
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"The {self.profile} sandbox was not ready within {timeout:.0f} s.")

    def env(self) -> dict[str, str]:
        from sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN

        return {
            "ACORN_SANDBOX_URL": self.base_url,
            "ACORN_LWA_CLIENT_ID": SANDBOX_CLIENT_ID,
            "ACORN_LWA_CLIENT_SECRET": SANDBOX_CLIENT_SECRET,
            "ACORN_LWA_REFRESH_TOKEN": SANDBOX_REFRESH_TOKEN,
        }

    def stop(self) -> float:
        if self.process is None:
            return float("nan")
        peak = peak_rss_mb(self.process.pid)
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        return peak


# The large profile is generated so that a sandbox started a day later serves the same POs a
# day older plus a new day. The benchmarks meet it first as of yesterday (sandbox and acorn's
# clock one day back), so the daily run can then meet today's sandbox with one day of new data.
FIRST_DAY_OFFSET = -1


def first_day() -> date:
    return datetime.now(UTC).date() + timedelta(days=FIRST_DAY_OFFSET)


@contextmanager
def clock_offset(days: int) -> Iterator[None]:
    """Run the block with acorn's clock (`ACORN_CLOCK_OFFSET_DAYS`) shifted by `days`, in this process."""
    previous = os.environ.get(OFFSET_VARIABLE)
    os.environ[OFFSET_VARIABLE] = str(days)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(OFFSET_VARIABLE, None)
        else:
            os.environ[OFFSET_VARIABLE] = previous


_SHARED: dict[tuple[str, date | None], tuple[ExternalSandbox, tempfile.TemporaryDirectory]] = {}


def shared_sandbox(profile: str, today: date | None = None) -> ExternalSandbox:
    """Return a running sandbox of `profile` for `today`, started on first use and kept for later benchmarks.

    The large profile takes most of a minute to generate, so the extraction, load and first
    end-to-end run share one process. `stop_shared_sandboxes()` ends them.
    """
    key = (profile, today)
    if key not in _SHARED:
        scratch = tempfile.TemporaryDirectory(prefix="acorn-bench-sandbox-")
        _SHARED[key] = (ExternalSandbox(profile, Path(scratch.name), today=today).start(), scratch)
    return _SHARED[key][0]


def stop_shared_sandboxes() -> None:
    while _SHARED:
        _key, (sandbox, scratch) = _SHARED.popitem()
        sandbox.stop()
        scratch.cleanup()


def quiet_environment(data_dir: Path, **extra: str) -> dict[str, str]:
    """Return the environment of an acorn process that writes into its own data folder."""
    env = {
        **os.environ,
        "ACORN_HOME": str(PROJECT_ROOT),
        "ACORN_DATA_DIR": str(data_dir),
        "DAGSTER_HOME": str(data_dir / "dagster_home"),
        "RUNTIME__DLTHUB_TELEMETRY": "false",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "PATH": os.pathsep.join([str(PROJECT_ROOT / "bin"), str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    env.pop("ACORN_WAREHOUSE", None)
    env.update(extra)
    return env


def run_measured(command: list[str], env: dict[str, str], timeout: float = 3600) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run a command; return its result, wall seconds and the peak RSS in MB of its process tree.

    The result's `peak_at_seconds` is when, from the start, the process tree's sum peaked.
    """
    with tempfile.TemporaryDirectory() as scratch:
        peak_file = Path(scratch) / "peak"
        wrapped = [sys.executable, "-m", "benchmarks.peak", str(peak_file), *command]
        started = time.perf_counter()
        completed = subprocess.run(wrapped, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout)
        elapsed = time.perf_counter() - started
        fields = peak_file.read_text().split() if peak_file.exists() else []
        peak_mb = float(fields[0]) if fields else float("nan")
        completed.peak_at_seconds = float(fields[2]) if len(fields) > 2 else float("nan")
    if completed.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited with {completed.returncode}:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
        )
    return completed, elapsed, peak_mb


def write_results(figures: list[Figure], path: Path = RESULTS_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        for figure in figures:
            handle.write(json.dumps(figure.record(), default=str) + "\n")


def print_table(figures: list[Figure]) -> None:
    header = f"{'figure':<38} {'profile':<7} {'median':>10} {'min':>10} {'max':>10} {'unit':<10} {'baseline':>10} {'ratio':>7}  target"
    print(header)
    print("-" * len(header))
    for figure in figures:
        baseline = "" if figure.baseline is None else f"{figure.baseline:10.3f}"
        ratio = "" if figure.ratio is None else f"{figure.ratio:7.2f}"
        print(
            f"{figure.figure:<38} {figure.profile:<7} {figure.value:10.3f} {min(figure.samples):10.3f} "
            f"{max(figure.samples):10.3f} {figure.unit:<10} {baseline:>10} {ratio:>7}  {figure.target}"
        )
