"""The `acorn` command: run the pipeline once, start the UI, serve the sandbox, list outbound documents."""

import argparse
import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from orchestration.commands import backup as backup_command
from orchestration.commands import outbound as outbound_command
from orchestration.commands import replay as replay_command
from orchestration.commands import restore as restore_command
from orchestration.project import PROJECT_ROOT
from orchestration.settings import Settings, SettingsError, load_settings

log = logging.getLogger("acorn")

# Telemetry of dlt, dbt and Dagster is off for every process acorn starts.
QUIET_ENVIRONMENT = {
    "RUNTIME__DLTHUB_TELEMETRY": "false",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "DO_NOT_TRACK": "1",
    "DAGSTER_DISABLE_TELEMETRY": "true",
}

DAGSTER_YAML = """\
telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1
    granularity: op
"""


def prepare_environment(settings: Settings) -> None:
    """Set the variables every acorn process needs, and create the data folders."""
    for key, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(key, value)
    # bin/dbt prints `dbt --version` from local metadata, because the real one queries PyPI.
    path_entries = [str(PROJECT_ROOT / "bin"), str(Path(sys.executable).parent)]
    os.environ["PATH"] = os.pathsep.join([*path_entries, os.environ.get("PATH", "")])
    os.environ["ACORN_HOME"] = str(settings.home)
    os.environ["ACORN_WAREHOUSE"] = str(settings.warehouse_path)
    dagster_home = Path(os.environ.setdefault("DAGSTER_HOME", str(settings.home / ".dagster_home")))
    dagster_home.mkdir(parents=True, exist_ok=True)
    dagster_yaml = dagster_home / "dagster.yaml"
    if not dagster_yaml.exists():
        dagster_yaml.write_text(DAGSTER_YAML)
    for folder in (settings.data_dir, settings.inbox_dir, settings.archive_dir, settings.ledger_dir):
        folder.mkdir(parents=True, exist_ok=True)


@contextlib.contextmanager
def target_api(settings: Settings) -> Iterator[Settings]:
    """Start the sandbox for the duration of the block when it is the target and has no URL yet."""
    if settings.target != "sandbox":
        yield settings
        return
    without_url = [account.name for account in settings.accounts if not account.sandbox_url]
    if not without_url:
        # Sandboxes started separately (`acorn sandbox serve`); use them as they are.
        yield settings
        return
    if len(settings.accounts) > 1:
        raise SettingsError(
            f"target is 'sandbox' and {len(settings.accounts)} vendor accounts are configured, but "
            f"{', '.join(without_url)} have no sandbox URL. 'acorn run' starts a sandbox for one account only: "
            "start one per account with 'acorn sandbox serve --port N --seed S' and set ACORN_<NAME>_SANDBOX_URL "
            "and ACORN_<NAME>_LWA_CLIENT_ID, _CLIENT_SECRET and _REFRESH_TOKEN (the sandbox's own credentials) "
            "for each account"
        )
    from sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN, SandboxConfig, SandboxServer

    config_fields = {
        "seed": settings.sandbox_seed,
        "profile": settings.sandbox_profile,
        "inbox_dir": settings.inbox_dir,
        "port": 0,
    }
    # The sandbox records what it was sent, so the next run gets the consequences of this one.
    config_fields["state_file"] = settings.data_dir / "sandbox" / "state.jsonl"
    scenario_file = os.environ.get("ACORN_SANDBOX_SCENARIO")
    if scenario_file:
        config_fields["scenario_file"] = Path(scenario_file)
    with SandboxServer(SandboxConfig(**config_fields)) as server:
        prefix = settings.accounts[0].environment_prefix
        variables = {
            f"{prefix}SANDBOX_URL": server.base_url,
            f"{prefix}LWA_CLIENT_ID": SANDBOX_CLIENT_ID,
            f"{prefix}LWA_CLIENT_SECRET": SANDBOX_CLIENT_SECRET,
            f"{prefix}LWA_REFRESH_TOKEN": SANDBOX_REFRESH_TOKEN,
        }
        os.environ.update(variables)
        if scenario_file:
            print(f"sandbox: serving the scenario {scenario_file} at {server.base_url}")
        else:
            print(f"sandbox: serving the {settings.sandbox_profile} profile (seed {settings.sandbox_seed}) at {server.base_url}")
        if not server.state.scenario.ready.is_set():
            # The large profile fills in behind the API; the inbox files exist only at the end.
            print("sandbox: generating the rest of the profile and the vendor's inbox files (about a minute)")
            started = time.perf_counter()
            server.wait_until_ready()
            print(f"sandbox: ready after {time.perf_counter() - started:.0f} s")
        try:
            yield load_settings(settings.home)
        finally:
            for key in variables:
                os.environ.pop(key, None)


def _remove_empty_folders(root: Path) -> None:
    """Remove `root` and the folders under it, provided not one file is in them."""
    if not root.is_dir() or any(path.is_file() for path in root.rglob("*")):
        return
    for folder in sorted((path for path in root.rglob("*") if path.is_dir()), key=lambda path: len(path.parts), reverse=True):
        folder.rmdir()
    root.rmdir()


def command_run(args: argparse.Namespace) -> int:
    settings = _settings_with_overrides(args)
    new_data_dir = not settings.data_dir.exists()
    try:
        return _run(args, settings)
    except BaseException:
        # A run that stops before writing anything (a bad scenario file, missing credentials)
        # leaves no empty data folder behind.
        if new_data_dir:
            _remove_empty_folders(settings.data_dir)
        raise


def _run(args: argparse.Namespace, settings: Settings) -> int:
    prepare_environment(settings)
    started = time.monotonic()
    with target_api(settings) as settings:
        problem = settings.missing_credentials_message()
        if problem:
            raise SettingsError(problem)
        from orchestration.project import prepare_manifest

        prepare_manifest()
        from orchestration.summary import print_summary, run_job

        job_run = run_job(args.job)
        elapsed = time.monotonic() - started
    return print_summary(job_run, settings, elapsed)


def command_ui(args: argparse.Namespace) -> int:
    settings = load_settings()
    prepare_environment(settings)
    with target_api(settings):
        from orchestration.project import prepare_manifest

        prepare_manifest()
        command = [
            sys.executable, "-m", "dagster", "dev",
            "-m", "orchestration.definitions",
            "-h", "127.0.0.1", "-p", str(args.port),
        ]  # fmt: skip
        print(f"Dagster UI on http://127.0.0.1:{args.port} (Ctrl+C stops it)")
        # A background shell starts children with SIGINT ignored. Dagster maps SIGTERM onto its
        # SIGINT handler, so resetting SIGINT in the child lets both signals stop it.
        process = subprocess.Popen(command, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

        # SIGTERM to acorn (a service manager, `kill`) becomes SIGINT to dagster dev, which then
        # stops its webserver and code servers; otherwise they would outlive acorn.
        def stop_ui(signum, frame):
            process.send_signal(signal.SIGINT)

        previous_handler = signal.signal(signal.SIGTERM, stop_ui)
        try:
            while True:
                try:
                    return process.wait()
                except KeyboardInterrupt:
                    process.send_signal(signal.SIGINT)
        finally:
            signal.signal(signal.SIGTERM, previous_handler)


def command_sandbox(args: argparse.Namespace) -> int:
    from sandbox.__main__ import main as sandbox_main

    return sandbox_main(args.sandbox_args, prog="acorn sandbox")


def _settings_with_overrides(args: argparse.Namespace) -> Settings:
    if args.seed is not None:
        os.environ["ACORN_SANDBOX_SEED"] = str(args.seed)
    if args.profile is not None:
        os.environ["ACORN_SANDBOX_PROFILE"] = args.profile
    if args.scenario is not None:
        _use_scenario(args.scenario)
    return load_settings()


def _use_scenario(path: Path) -> None:
    """Point the run at a hand-written scenario and its own data folder, data/scenarios/<file name>/."""
    path = path.resolve()
    if not path.is_file():
        raise SettingsError(f"Scenario file {path} was not found; check the path given to --scenario.")
    settings = load_settings()
    if settings.target != "sandbox" or settings.sandbox_url:
        raise SettingsError(
            "--scenario starts a sandbox of its own; set the target to sandbox and unset ACORN_SANDBOX_URL."
        )
    data_dir = settings.data_dir / "scenarios" / path.stem
    os.environ["ACORN_DATA_DIR"] = str(data_dir)
    os.environ["ACORN_WAREHOUSE"] = str(data_dir / "warehouse.duckdb")
    os.environ["ACORN_SANDBOX_SCENARIO"] = str(path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="acorn", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run the whole pipeline once, in this process")
    run.add_argument("--job", default="acorn_job", help="Dagster job to run (default: acorn_job, everything)")
    run.add_argument("--seed", type=int, help="sandbox data seed (default: [acorn.sandbox] seed)")
    run.add_argument("--profile", help="sandbox data profile: small, medium or large (default: small)")
    run.add_argument(
        "--scenario",
        type=Path,
        help="serve this hand-written scenario (JSON or YAML) and load it into data/scenarios/<file name>/",
    )
    run.set_defaults(handler=command_run)

    ui = commands.add_parser("ui", help="start the Dagster UI on 127.0.0.1")
    ui.add_argument("--port", type=int, default=3000, help="port of the UI (default: 3000)")
    ui.set_defaults(handler=command_ui)

    sandbox = commands.add_parser("sandbox", help="run the sandbox on its own (see 'acorn sandbox serve --help')")
    sandbox.add_argument("sandbox_args", nargs=argparse.REMAINDER)
    sandbox.set_defaults(handler=command_sandbox)

    outbound_command.add_parser(commands)
    replay_command.add_parser(commands)
    backup_command.add_parser(commands)
    restore_command.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from sandbox.scenario_file import ScenarioFileError

    try:
        return args.handler(args)
    except (SettingsError, ScenarioFileError) as error:
        print(f"acorn: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
