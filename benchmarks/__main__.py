"""Run the benchmarks and print their table: `python -m benchmarks [--profile P] [--repeat N] [--only NAME ...]`.

By default the medium profile is measured `--repeat` times and the large one `--large-repeat`
times (one run of the large profile's pipeline takes minutes). The dbt figures come from the
end-to-end benchmark's warehouse; `--only transform` measures them on a warehouse of its own.

Each figure is the median of `--repeat` runs, shown with its min and max and beside a baseline
measured in the same run. The same figures are appended as JSON lines to benchmarks/results.jsonl.
"""

import argparse
import importlib
import os
import sys

from benchmarks.common import RESULTS_FILE, print_table, stop_shared_sandboxes, write_results

BENCHMARKS = ("extraction", "load", "end_to_end", "transform", "startup", "sandbox_large")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--profile", action="append", help="sandbox profile(s) to measure (default: medium and large)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--large-repeat", type=int, default=1, help="runs per figure on the large profile (default 1)")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run only these benchmarks")
    args = parser.parse_args(argv)
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")

    selected = args.only or [name for name in BENCHMARKS if name != "transform"]
    figures: list = []
    try:
        _run(selected, args, figures)
    finally:
        # A benchmark that fails still leaves the figures of those before it.
        stop_shared_sandboxes()
        print_table(figures)
        write_results(figures)
        print(f"\nfigures appended to {RESULTS_FILE}")
    return 0


def _run(selected: list[str], args: argparse.Namespace, figures: list) -> None:
    for name in selected:
        module = importlib.import_module(f"benchmarks.{name}")
        if name == "startup":
            profiles = ["-"]
        elif name == "sandbox_large":
            profiles = ["large"]  # its baseline, the small profile, is measured inside
        else:
            profiles = args.profile or ["medium", "large"]
        for profile in profiles:
            repeat = min(args.repeat, args.large_repeat) if profile == "large" else args.repeat
            print(f"running {name} ({profile}, {repeat} runs)...", file=sys.stderr, flush=True)
            figures += module.measure(profile, repeat)


if __name__ == "__main__":
    sys.exit(main())
