"""Wall time to pull every PO, status and report of a profile, against the rate-limit floor.

The sandbox and the client both run their token buckets `TIME_SCALE` times faster than
Amazon's published rates, so the one-per-minute report limits cost seconds here. The floor is
the least time any client needs for the same calls: for each operation, the calls beyond its
burst divided by its rate, and the largest of those over all operations.

The large profile runs at Amazon's own rates (scale 1) against a sandbox in a process of its
own: its hundreds of order pages make the rate limits, not report polling, the floor. That
sandbox serves yesterday (see `benchmarks.common.first_day`) and acorn's clock is set to match.
"""

import gzip
import json
import tempfile
import time
from pathlib import Path

from benchmarks.common import FIRST_DAY_OFFSET, Figure, clock_offset, first_day, sandbox_client, shared_sandbox
from sandbox import SandboxConfig, SandboxServer
from sources.pipeline import make_pipeline
from sources.spapi.client import SpApiClient
from sources.spapi.settings import DEFAULT_RATE_LIMITS, RateLimit
from sources.vendor_api import vendor_api_source

TIME_SCALE = 60.0


def count_calls(archive_dir: Path) -> tuple[dict[str, int], int]:
    calls: dict[str, int] = {}
    throttled = 0
    for path in archive_dir.rglob("*.jsonl.gz"):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                calls[record["operation"]] = calls.get(record["operation"], 0) + 1
                throttled += record.get("status") == 429
    return calls, throttled


def floor_seconds(calls: dict[str, int], limits: dict[str, RateLimit]) -> float:
    waits = [max(0, count - limits[operation].burst) / limits[operation].rate for operation, count in calls.items() if operation in limits]
    return max(waits, default=0.0)


def _extract(base_url: str, scratch: Path, limits: dict[str, RateLimit]) -> float:
    def client() -> SpApiClient:
        return sandbox_client(base_url, archive_dir=scratch / "archive", rate_limits=limits)

    pipeline = make_pipeline(scratch / "w.duckdb", scratch / "pipelines", pipeline_name="bench_extract")
    started = time.perf_counter()
    pipeline.extract(vendor_api_source(client_factory=client))
    return time.perf_counter() - started


def measure(profile: str, repeat: int) -> list[Figure]:
    scale = 1.0 if profile == "large" else TIME_SCALE
    limits = {operation: RateLimit(limit.rate * scale, limit.burst) for operation, limit in DEFAULT_RATE_LIMITS.items()}
    walls, floors, throttled_counts = [], [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="acorn-bench-") as scratch_name:
            scratch = Path(scratch_name)
            if profile == "large":
                # The sandbox is yesterday's, shared with the load and end-to-end benchmarks.
                with clock_offset(FIRST_DAY_OFFSET):
                    walls.append(_extract(shared_sandbox(profile, first_day()).base_url, scratch, limits))
            else:
                config = SandboxConfig(profile=profile, inbox_dir=scratch / "inbox", time_scale=scale, report_seconds=0.2)
                with SandboxServer(config) as server:
                    walls.append(_extract(server.base_url, scratch, limits))
            calls, throttled = count_calls(scratch / "archive")
            floors.append(floor_seconds(calls, limits))
            throttled_counts.append(float(throttled))
    floor = sorted(floors)[len(floors) // 2]
    command = f"vendor_api source extract, rates x{scale:g}"
    return [
        Figure(
            "extraction_wall_seconds", profile, "s", walls, baseline=floor, baseline_label="rate-limit floor (s)",
            target="ratio <= 1.15", command=command, notes={"calls": calls},
        ),
        Figure("extraction_429_responses", profile, "count", throttled_counts, command=command),
    ]  # fmt: skip
