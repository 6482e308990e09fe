"""Run a command and write the peak resident memory of its whole process tree, in MB, to a file.

Usage: python -m benchmarks.peak OUTPUT_FILE COMMAND [ARG ...]

Every 0.1 s the resident set sizes of the command and all its descendants (found through
the parent ids in /proc) are summed; the file gets the largest sum, then, on the same line,
the largest single process as getrusage(RUSAGE_CHILDREN) reports it, then the seconds from
the start to the largest sum. Memory that lives and dies between two samples can be missed
by the sum, never by the second figure.
"""

import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

SAMPLE_SECONDS = 0.1
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def _children_by_parent() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # the process ended while the table was read
        # The command name sits in parentheses and may hold spaces; the parent id follows the state.
        fields = stat[stat.rindex(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def tree_rss_mb(root: int) -> float:
    """Sum of the resident set sizes of `root` and its descendants, in MB."""
    children = _children_by_parent()
    pending, total = [root], 0.0
    while pending:
        pid = pending.pop()
        try:
            resident_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        total += resident_pages * PAGE_MB
        pending.extend(children.get(pid, ()))
    return total


def main() -> int:
    output, command = Path(sys.argv[1]), sys.argv[2:]
    started = time.monotonic()
    process = subprocess.Popen(command)
    peak, peak_at = 0.0, 0.0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_at
        while not done.wait(SAMPLE_SECONDS):
            resident = tree_rss_mb(process.pid)
            if resident > peak:
                peak, peak_at = resident, time.monotonic() - started

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    returncode = process.wait()
    done.set()
    sampler.join()
    # Linux reports ru_maxrss in kilobytes.
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    output.write_text(f"{max(peak, largest):.1f} {largest:.1f} {peak_at:.1f}\n")
    return returncode


if __name__ == "__main__":
    sys.exit(main())
