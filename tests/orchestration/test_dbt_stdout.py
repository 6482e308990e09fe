"""ReadAheadStdout: dbt's log lines read into memory while the Dagster step stores events."""

import subprocess
import sys
import time

from orchestration.dbt_step import ReadAheadStdout

# 4,000 lines of 100 bytes: 400,000 bytes, six times the 64 KiB a Linux pipe buffers.
WRITER = "import sys\nfor i in range(4000):\n    sys.stdout.write(f'{i:099d}\\n')\nsys.stdout.flush()\n"


def start_writer() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER], stdout=subprocess.PIPE)


def test_lines_arrive_in_order():
    process = start_writer()
    stdout = ReadAheadStdout(process.stdout)

    lines = list(stdout)

    assert process.wait(timeout=30) == 0
    assert len(lines) == 4000
    assert lines[0] == b"0" * 99 + b"\n"
    assert lines[-1] == b"3999".rjust(99, b"0") + b"\n"


def test_writer_finishes_before_reading():
    process = start_writer()
    stdout = ReadAheadStdout(process.stdout)

    # Nothing reads the lines yet: without the reader thread the writer would block on a full pipe.
    assert process.wait(timeout=30) == 0
    time.sleep(0.1)

    assert len(list(stdout)) == 4000


def test_closed_after_last_line():
    process = start_writer()
    stdout = ReadAheadStdout(process.stdout)

    assert not stdout.closed
    with stdout:
        consumed = sum(1 for _ in stdout)
    process.wait(timeout=30)

    assert consumed == 4000
    assert stdout.closed
    assert list(stdout) == []
