"""Command line: `python -m sandbox serve --port 8700 --seed 7 --profile small --inbox data/inbox`, and `ground-truth`."""

import argparse
import gc
import logging
import signal
import sys
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from types import FrameType

from sandbox.config import PROFILES, SandboxConfig
from sandbox.faults import FaultSettings, FaultSettingsError
from sandbox.ground_truth import write_ground_truth
from sandbox.scenario_file import ScenarioFileError
from sandbox.server import SandboxServer

logger = logging.getLogger("acorn.sandbox")


def _parse_args(argv: list[str] | None, prog: str = "python -m sandbox") -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=prog, description="Local imitation of Amazon's vendor API.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="write the inbox files and serve on 127.0.0.1 until SIGINT or SIGTERM")
    serve.add_argument("--port", type=int, default=8700, help="TCP port on 127.0.0.1 (0 picks a free port); default 8700")
    serve.add_argument("--seed", type=int, default=7, help="seed of the generated data; default 7")
    serve.add_argument("--profile", choices=PROFILES, default="small", help="data size; default small")
    serve.add_argument("--inbox", type=Path, default=Path("data/inbox"), help="folder for the vendor CSV exports")
    serve.add_argument("--today", type=date.fromisoformat, default=None, help="date the data is generated around (YYYY-MM-DD); default: today in UTC")
    serve.add_argument("--processing-seconds", type=float, default=0.5, help="seconds a transaction stays Processing; default 0.5")
    serve.add_argument("--report-seconds", type=float, default=1.0, help="seconds a report takes to finish; default 1.0")
    serve.add_argument("--state-file", type=Path, default=None, help="JSON-lines file that keeps accepted submissions across restarts")
    serve.add_argument(
        "--rate-plan",
        choices=("production", "sandbox"),
        default="production",
        help="production: Amazon's published rate per operation; sandbox: 5 requests per second, burst 15, for every operation",
    )
    serve.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="multiplies every throttling bucket's refill rate, e.g. 60 lets createReport refill once a second; default 1",
    )
    serve.add_argument("--no-throttle", action="store_true", help="turn off per-operation rate limits")
    serve.add_argument(
        "--scenario",
        type=Path,
        default=None,
        help="serve a hand-written scenario from this JSON or YAML file in place of the generated data (see sandbox/README.md)",
    )
    serve.add_argument(
        "--faults",
        type=_fault_option,
        default=FaultSettings(),
        help="faults to inject, as name=value pairs separated by commas, e.g. "
        "error_share=0.05,unavailable_share=0.02,report_outcome=FATAL,seed=3 (see sandbox/README.md)",
    )
    serve.add_argument("--log-level", default="INFO", help="logging level; default INFO")

    truth = commands.add_parser("ground-truth", help="write what the generator made, one JSON line per PO line")
    truth.add_argument("--seed", type=int, default=7, help="seed of the generated data; default 7")
    truth.add_argument("--profile", choices=PROFILES, default="small", help="data size; default small")
    truth.add_argument("--today", type=date.fromisoformat, default=None, help="date the data is generated around (YYYY-MM-DD); default: today in UTC")
    truth.add_argument("--out", type=Path, required=True, help="JSON-lines file to write")
    return parser.parse_args(argv)


def _fault_option(text: str) -> FaultSettings:
    try:
        return FaultSettings.parse_option(text)
    except FaultSettingsError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    return SandboxConfig(
        seed=args.seed,
        profile=args.profile,
        today=args.today,
        inbox_dir=args.inbox,
        port=args.port,
        processing_seconds=args.processing_seconds,
        report_seconds=args.report_seconds,
        throttle=not args.no_throttle,
        time_scale=args.time_scale,
        rate_plan=args.rate_plan,
        state_file=args.state_file,
        faults=args.faults,
        scenario_file=args.scenario,
    )


def main(argv: list[str] | None = None, prog: str = "python -m sandbox") -> int:
    """Run a sandbox command; `prog` is the command name that help and usage show."""
    # A background job inherits SIGINT as ignored; handle it explicitly so Ctrl-C and kill -INT stop the server.
    stop = threading.Event()

    def request_stop(signal_number: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    args = _parse_args(argv, prog)
    if args.command == "ground-truth":
        today = args.today if args.today is not None else datetime.now(UTC).date()
        written = write_ground_truth(args.seed, args.profile, today, args.out)
        print(f"{written} PO lines written to {args.out}")
        return 0
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        server = SandboxServer(config_from_args(args))
    except ScenarioFileError as error:
        print(f"sandbox: {error}", file=sys.stderr)
        return 2
    with server:
        print(server.base_url, flush=True)
        ready = server.state.scenario.ready
        frozen = False
        while not stop.wait(0.5):
            if not frozen and ready.is_set():
                freeze_heap()
                frozen = True
    return 0


def freeze_heap() -> None:
    """Exclude every object that exists now from Python's cyclic garbage collector.

    A full collection walks every tracked object: about 3 million once the large profile is
    complete, which took over a second on the 2-core development machine. Status pages
    allocate enough to start one about every 30 pages. Frozen objects are skipped, and
    `gc.collect()` runs first so that no garbage is frozen.
    NOTE: the collector never reclaims a reference cycle among frozen objects that becomes
    unreachable later. The scenario lives as long as the process, so only objects that a
    later change drops could leak this way.
    """
    gc.collect()
    gc.freeze()
    logger.info("Scenario complete: %d objects excluded from cyclic garbage collection", gc.get_freeze_count())


if __name__ == "__main__":
    sys.exit(main())
