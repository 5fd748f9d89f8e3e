"""What a raw-table suite declares: the table, its key and its expectations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

# A Solana public key in base58: 32 bytes encode to 32-44 characters of the bitcoin alphabet
# (no 0, O, I or l). PostgreSQL's `~` and Python's `re` read this pattern the same way.
BASE58_PUBKEY_REGEX = r"^[1-9A-HJ-NP-Za-km-z]{32,44}$"


@dataclass(frozen=True)
class SuiteSpec:
    """A GX suite for one raw table.

    `expectations` builds fresh GX objects on every call (GX mutates them when a suite is run),
    and imports GX lazily so that importing the registry stays cheap.
    """

    table: str
    primary_key: tuple[str, ...]
    expectations: Callable[[], list[Expectation]]
    partition_column: str = "epoch"

    @property
    def schema_name(self) -> str:
        return self.table.split(".", 1)[0]

    @property
    def table_name(self) -> str:
        return self.table.split(".", 1)[1]
