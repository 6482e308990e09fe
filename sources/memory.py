"""Hand freed memory back to the operating system between the steps of a run.

The steps of one `acorn run` share a process, and dbt runs beside it as a child. Loads and
validations free most of what they allocate, but glibc keeps freed pages for reuse and
pyarrow's allocator keeps its own pool, so the process stays near its largest size while dbt
adds its own.
"""

import ctypes
import ctypes.util
import gc
import logging

import pyarrow as pa

logger = logging.getLogger("acorn.memory")


def _libc_trim():
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        # Not glibc (musl, macOS): nothing to trim.
        return None


_MALLOC_TRIM = _libc_trim()


def release_free_memory() -> None:
    """Collect garbage, then return free heap pages and pyarrow's unused pool to the system."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)
