"""Great Expectations suites that gate acorn's outbound documents, and their runner."""

from expectations.runner import (
    FailedExpectation,
    ValidationOutcome,
    validate_frame,
    validate_table,
)
from expectations.suites import SUITES, SuiteSpec, UnknownTableError, suite_spec

__all__ = [
    "SUITES",
    "FailedExpectation",
    "SuiteSpec",
    "UnknownTableError",
    "ValidationOutcome",
    "suite_spec",
    "validate_frame",
    "validate_table",
]
