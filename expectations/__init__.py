"""Great Expectations suites for the raw tables, and the runner the Dagster checks call."""

from expectations.runner import (
    SUITES,
    ExpectationFailure,
    ExpectationsError,
    SuiteExecutionError,
    SuiteResult,
    TableNotFoundError,
    WarehouseConnectionError,
    run_suite,
)
from expectations.suite import SuiteSpec

__all__ = [
    "SUITES",
    "ExpectationFailure",
    "ExpectationsError",
    "SuiteExecutionError",
    "SuiteResult",
    "SuiteSpec",
    "TableNotFoundError",
    "WarehouseConnectionError",
    "run_suite",
]
