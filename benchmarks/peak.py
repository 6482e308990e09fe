"""Run a command and write the peak resident memory of its largest process, in MB, to a file.

Usage: python -m benchmarks.peak OUTPUT_FILE COMMAND [ARG ...]. getrusage(RUSAGE_CHILDREN)
reports the largest process among the waited-for descendants, not the sum of the tree.
"""

import resource
import subprocess
import sys
from pathlib import Path


def main() -> int:
    output, command = Path(sys.argv[1]), sys.argv[2:]
    returncode = subprocess.call(command)
    # Linux reports ru_maxrss in kilobytes.
    output.write_text(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.1f}\n")
    return returncode


if __name__ == "__main__":
    sys.exit(main())
