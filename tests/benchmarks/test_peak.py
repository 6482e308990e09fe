"""benchmarks.peak sums the resident memory of a whole process tree."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="peak memory is read from /proc (Linux only)")

# A parent that waits half a second, then keeps 100 MB while its child keeps 200 MB for a second.
TREE = textwrap.dedent(
    """
    import subprocess, sys, time
    time.sleep(0.5)
    held = b"p" * (100 * 1024 * 1024)
    child = subprocess.Popen([sys.executable, "-c", "import time; held = b'c' * (200 * 1024 * 1024); time.sleep(1.0)"])
    child.wait()
    """
)


def test_peak_sums_parent_and_child(tmp_path: Path) -> None:
    output = tmp_path / "peak"
    subprocess.run([sys.executable, "-m", "benchmarks.peak", str(output), sys.executable, "-c", TREE], check=True, timeout=60)
    tree_mb, largest_mb, peak_at_seconds = (float(value) for value in output.read_text().split())
    # Each interpreter adds 5 to 20 MB of its own.
    assert 200 <= largest_mb < 240
    assert 300 <= tree_mb < 360
    # Both hold their memory from after the half-second wait until the child's second is over.
    assert 0.5 <= peak_at_seconds < 5
