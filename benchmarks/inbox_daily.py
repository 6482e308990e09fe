"""Time the inbox source's load of a day's exports after the day before's.

`python -m benchmarks.inbox_daily YESTERDAY_INBOX TODAY_INBOX --work DIR [--repeat N]`

Yesterday's files are loaded once into DIR/base, which later calls reuse. Each repetition
copies that folder and loads today's files into the copy, timing dlt's extract, normalize and
load steps apart. With the large profile, the two inbox folders are those of the sandboxes of
yesterday and today (see benchmarks/end_to_end.py).
"""

import argparse
import os
import shutil
import time
from pathlib import Path

from orchestration.defs.ingest import INBOX_PIPELINE
from sources.inbox import inbox_source
from sources.pipeline import make_pipeline


def load_inbox(folder: Path, inbox: Path) -> dict[str, float]:
    """Load the files of `inbox` into the warehouse in `folder`; return each step's seconds."""
    pipeline = make_pipeline(folder / "warehouse.duckdb", folder / "pipelines", pipeline_name=INBOX_PIPELINE)
    seconds = {}
    started = time.perf_counter()
    pipeline.extract(inbox_source(inbox))
    seconds["extract"] = time.perf_counter() - started
    step_started = time.perf_counter()
    pipeline.normalize()
    seconds["normalize"] = time.perf_counter() - step_started
    step_started = time.perf_counter()
    pipeline.load()
    seconds["load"] = time.perf_counter() - step_started
    seconds["total"] = time.perf_counter() - started
    return seconds


def _print(label: str, seconds: dict[str, float]) -> None:
    steps = ", ".join(f"{step} {value:.1f} s" for step, value in seconds.items())
    load_average = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{label}: {steps}; load average {load_average}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.inbox_daily", description=__doc__)
    parser.add_argument("yesterday", type=Path, help="inbox folder with the day before's files")
    parser.add_argument("today", type=Path, help="inbox folder with the day's files")
    parser.add_argument("--work", type=Path, required=True, help="folder for the warehouses (about 600 MB for the large profile: the base and one copy)")
    parser.add_argument("--repeat", type=int, default=3, help="loads of today's files (default 3)")
    args = parser.parse_args(argv)
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

    base = args.work / "base"
    if not (base / "warehouse.duckdb").is_file():
        shutil.rmtree(base, ignore_errors=True)
        _print("yesterday's files, first load", load_inbox(base, args.yesterday))
    for repetition in range(1, args.repeat + 1):
        copy = args.work / f"today-{repetition}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(base, copy)
        _print(f"today's files, load {repetition}", load_inbox(copy, args.today))
        shutil.rmtree(copy)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
