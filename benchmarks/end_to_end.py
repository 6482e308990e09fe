"""`acorn run` from an empty data folder, then again on the same folder (the daily run).

Small and medium: `acorn run` starts its own sandbox. Large: the sandbox runs in a process of
its own, as Amazon does, so its memory is not counted as acorn's. In both, the daily run
meets the same data as the first.

NOTE: a daily run after one day of new data needs acorn's clock one day ahead as well. Its
incremental windows start where the previous run's real time ended, so a sandbox started a
day later (`--today`) has its new day before that point. acorn has no clock setting yet.
"""

import re
import sys
import tempfile
from pathlib import Path

from benchmarks.common import ExternalSandbox, Figure, quiet_environment, run_measured

STAGES_LINE = re.compile(r"^stages \(seconds\): (.*)$", re.MULTILINE)


def parse_stages(stdout: str) -> dict[str, float]:
    match = STAGES_LINE.search(stdout)
    if match is None:
        return {}
    stages = {}
    for part in match.group(1).split(", "):
        name, _, seconds = part.rpartition(" ")
        stages[name] = float(seconds)
    return stages


def measure(profile: str, repeat: int) -> list[Figure]:
    external = profile == "large"
    command = [sys.executable, "-m", "orchestration.cli", "run"]
    if not external:
        command += ["--profile", profile]
    full, daily, peaks, sandbox_peaks, ready = [], [], [], [], []
    stage_samples: dict[str, list[float]] = {}
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="acorn-bench-") as scratch:
            data_dir = Path(scratch)
            sandbox = ExternalSandbox(profile, data_dir).start() if external else None
            try:
                env = quiet_environment(data_dir, **(sandbox.env() if sandbox else {}))
                run_peaks = []
                for samples, prefix in ((full, ""), (daily, "daily_")):
                    completed, seconds, peak_mb = run_measured(command, env)
                    samples.append(seconds)
                    run_peaks.append(peak_mb)
                    for stage, stage_seconds in parse_stages(completed.stdout).items():
                        stage_samples.setdefault(prefix + stage, []).append(stage_seconds)
                peaks.append(max(run_peaks))
            finally:
                if sandbox is not None:
                    ready.append(sandbox.ready_seconds)
                    sandbox_peaks.append(sandbox.stop())

    if external:
        text = f"acorn run against python -m sandbox serve --profile {profile} in its own process"
    else:
        text = " ".join(command[1:])
    figures = [
        Figure("acorn_run_full_seconds", profile, "s", full, command=text + ", empty data folder"),
        Figure("acorn_run_daily_seconds", profile, "s", daily, target="< 60 s", command=text + ", again, same data folder"),
        Figure("acorn_run_peak_rss", profile, "MB", peaks, target="< 1536 MB", command=text + "; acorn's process tree"),
    ]
    if external:
        figures += [
            Figure("sandbox_peak_rss", profile, "MB", sandbox_peaks, command="the sandbox process, not counted above"),
            Figure("sandbox_ready_seconds", profile, "s", ready, command="sandbox start to every partition and inbox file written"),
        ]
    figures += [
        Figure(f"stage_{stage.replace(' ', '_')}_seconds", profile, "s", samples, command=text)
        for stage, samples in stage_samples.items()
    ]
    return figures
