"""Every raw table's suite, keyed by `schema.table`; add each new source's suites here."""

from expectations import raw_jito, raw_solana, raw_solana_blocks
from expectations.suite import SuiteSpec

SUITES: dict[str, SuiteSpec] = {**raw_solana.SUITES, **raw_solana_blocks.SUITES, **raw_jito.SUITES}
