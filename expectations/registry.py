"""Every raw table's suite, keyed by `schema.table`; add each new source's suites here."""

from expectations import raw_solana
from expectations.suite import SuiteSpec

SUITES: dict[str, SuiteSpec] = {**raw_solana.SUITES}
