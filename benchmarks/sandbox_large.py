"""Sandbox figures for a profile: time to first response, peak memory of the server and requests per second.

    python -m benchmarks.sandbox_large [--profile large] [--seconds 10] [--clients 4]

The sandbox runs as its own process (`python -m sandbox serve`) on 127.0.0.1 without
throttling. Time to first response runs from starting the process to the first
getPurchaseOrders response. Peak memory is the server's VmHWM (peak resident set size)
from /proc, read once the profile is fully generated. Requests per second, measured after
that too, count getPurchaseOrders and getPurchaseOrdersStatus calls that return 200 to
several keep-alive clients. The small profile, measured in the same run,
is the baseline. Figures are printed as a table and appended to benchmarks/results.jsonl.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from benchmarks.common import PROJECT_ROOT, Figure, peak_rss_mb, print_table, write_results
from sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN
from sandbox.config import PROFILES

START_TIMEOUT_SECONDS = 600


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _token(base_url: str) -> str:
    response = httpx.post(
        base_url + "/auth/o2/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": SANDBOX_REFRESH_TOKEN,
            "client_id": SANDBOX_CLIENT_ID,
            "client_secret": SANDBOX_CLIENT_SECRET,
        },
    )
    response.raise_for_status()
    return response.json()["access_token"]


def _first_response(base_url: str, process: subprocess.Popen, started: float) -> float:
    """Poll until getPurchaseOrders returns 200; return the seconds since the process started."""
    while time.perf_counter() - started < START_TIMEOUT_SECONDS:
        if process.poll() is not None:
            raise RuntimeError(f"The sandbox exited with {process.returncode} before its first response; run python -m sandbox serve to see why.")
        try:
            token = _token(base_url)
            response = httpx.get(base_url + "/vendor/orders/v1/purchaseOrders", headers={"x-amz-access-token": token})
            if response.status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"The sandbox sent no response within {START_TIMEOUT_SECONDS} s; check that the profile generates.")


def _wait_until_ready(base_url: str, process: subprocess.Popen) -> None:
    deadline = time.perf_counter() + START_TIMEOUT_SECONDS
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The sandbox exited with {process.returncode} while generating its data.")
        if httpx.get(base_url + "/_sandbox/health", timeout=10).json().get("ready"):
            return
        time.sleep(0.5)
    raise RuntimeError(f"The sandbox was not ready within {START_TIMEOUT_SECONDS} s.")


def _requests_per_second(base_url: str, seconds: float, clients: int) -> float:
    token = _token(base_url)
    deadline = time.perf_counter() + seconds
    counts = [0] * clients

    def work(index: int) -> None:
        paths = ("/vendor/orders/v1/purchaseOrders", "/vendor/orders/v1/purchaseOrdersStatus")
        with httpx.Client(base_url=base_url, headers={"x-amz-access-token": token}, timeout=60) as api:
            call = 0
            while time.perf_counter() < deadline:
                if api.get(paths[call % 2]).status_code == 200:
                    counts[index] += 1
                call += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def measure_once(profile: str, seconds: float, clients: int) -> tuple[float, float, float]:
    """Start a sandbox with `profile`; return (seconds to first response, peak RSS in MB, requests per second)."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as scratch:
        command = [
            sys.executable, "-m", "sandbox", "serve", "--port", str(port), "--profile", profile, "--seed", "7",
            "--inbox", str(Path(scratch) / "inbox"), "--no-throttle", "--log-level", "WARNING",
        ]  # fmt: skip
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            first = _first_response(base_url, process, started)
            # The large profile fills in behind its first response; measure the rate once it is done.
            _wait_until_ready(base_url, process)
            rate = _requests_per_second(base_url, seconds, clients)
            peak = peak_rss_mb(process.pid)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return first, peak, rate


def figures(profile: str, samples: list[tuple[float, float, float]], baseline: tuple[float, float, float], command: str, clients: int, seconds: float) -> list[Figure]:
    named = (("sandbox_first_response_seconds", "s"), ("sandbox_server_peak_rss", "MB"), ("sandbox_requests_per_second", "req/s"))
    return [
        Figure(
            figure=name,
            profile=profile,
            unit=unit,
            samples=[sample[index] for sample in samples],
            baseline=baseline[index],
            baseline_label="small profile, same run",
            command=command,
            notes={"clients": clients, "seconds": seconds, "cpus": os.cpu_count()},
        )
        for index, (name, unit) in enumerate(named)
    ]


def measure(profile: str, repeat: int) -> list[Figure]:
    """Measure `repeat` starts of `profile` and one of the small profile, for `python -m benchmarks`."""
    baseline = measure_once("small", 10.0, 4)
    samples = [measure_once(profile, 10.0, 4) for _ in range(repeat)]
    return figures(profile, samples, baseline, f"python -m benchmarks.sandbox_large --profile {profile}", 4, 10.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sandbox_large", description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="large", help="profile to measure; default large")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of load for requests per second; default 10")
    parser.add_argument("--clients", type=int, default=4, help="concurrent keep-alive clients; default 4")
    args = parser.parse_args(argv)
    if args.profile not in PROFILES:
        print(
            f"sandbox_large: the sandbox has no profile {args.profile!r}; it offers {', '.join(PROFILES)}. "
            "Pass one of those with --profile.",
            file=sys.stderr,
        )
        return 2
    if not Path("/proc/self/status").exists():
        print("sandbox_large: peak memory is read from /proc, which this system lacks; run it on Linux.", file=sys.stderr)
        return 2

    command = " ".join(["python -m benchmarks.sandbox_large", *(argv if argv is not None else sys.argv[1:])])
    baseline = measure_once("small", args.seconds, args.clients)
    measured = measure_once(args.profile, args.seconds, args.clients)
    results = figures(args.profile, [measured], baseline, command, args.clients, args.seconds)
    print_table(results)
    write_results(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
