"""What a raw-table suite declares: the table and its expectations beyond the declaration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingestion.contract import Table
from ingestion.raw_tables import RAW_TABLES

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

# Base58 text: the bitcoin alphabet (no 0, O, I or l). PostgreSQL's `~` and Python's `re` read
# this pattern the same way.
BASE58_REGEX = r"^[1-9A-HJ-NP-Za-km-z]+$"
# A public key is 32 bytes: 32-44 base58 characters; a signature 64 bytes: 64-88.
PUBKEY_LENGTHS = (32, 44)
SIGNATURE_LENGTHS = (64, 88)


def at_least_zero(*columns: str) -> list[Expectation]:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in columns]


def base58(*columns: str, lengths: tuple[int, int] = PUBKEY_LENGTHS) -> list[Expectation]:
    """Each column base58 of a length within `lengths`: a pattern and a length expectation, not
    one pattern with `{32,44}` in it, which PostgreSQL evaluates ten times slower (8.6 s against
    0.8 s for both on the 1.26 M signatures of a mainnet-profile epoch at a 1% sample)."""
    import great_expectations.expectations as gxe

    shortest, longest = lengths
    return [
        *(gxe.ExpectColumnValuesToMatchRegex(column=c, regex=BASE58_REGEX) for c in columns),
        *(
            gxe.ExpectColumnValueLengthsToBeBetween(column=c, min_value=shortest, max_value=longest)
            for c in columns
        ),
    ]


@dataclass(frozen=True)
class SuiteSpec:
    """A GX suite for one raw table: the table's declared key (unique, not null) and not-null
    columns (ingestion/raw_tables.py), then `checks`, the suite's own expectations.

    `checks` builds fresh GX objects on every call (GX mutates them when a suite is run), and
    imports GX lazily so that importing the registry stays cheap.
    """

    table: str
    checks: Callable[[], list[Expectation]]

    @property
    def contract(self) -> Table:
        return RAW_TABLES[self.table]

    @property
    def primary_key(self) -> tuple[str, ...]:
        return self.contract.key

    @property
    def partition_column(self) -> str:
        return self.contract.partition

    @property
    def schema_name(self) -> str:
        return self.table.split(".", 1)[0]

    @property
    def table_name(self) -> str:
        return self.table.split(".", 1)[1]

    def expectations(self) -> list[Expectation]:
        import great_expectations.expectations as gxe

        key = list(self.primary_key)
        unique: Expectation = (
            gxe.ExpectColumnValuesToBeUnique(column=key[0])
            if len(key) == 1
            else gxe.ExpectCompoundColumnsToBeUnique(column_list=key)
        )
        not_null = [gxe.ExpectColumnValuesToNotBeNull(column=c) for c in self.contract.not_null]
        return [*not_null, unique, *self.checks()]
