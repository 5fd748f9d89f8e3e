"""What a raw table is: its columns with their types and nullability, its key, its partition
column. Each raw table is declared once as a `Table` (ingestion/raw_tables.py lists them all);
the dlt column hints, the Arrow schema, the SQL types of the dbt sources and of the test
fixtures, and the GX key and not-null expectations derive from that declaration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from dlt.common.schema.typing import TColumnSchema

BIGINT = pa.int64()
TEXT = pa.string()
BOOL = pa.bool_()
TIME = pa.timestamp("s", tz="UTC")
DOUBLE = pa.float64()
# Token amounts are u64: up to 20 digits, past bigint.
AMOUNT = pa.decimal128(20, 0)
# JSON arrays travel as text in Arrow and land as jsonb through this hint.
JSON = "json"

_DLT_TYPES = {BIGINT: "bigint", TEXT: "text", BOOL: "bool", TIME: "timestamp", DOUBLE: "double"}
# The PostgreSQL types dlt creates for each (the dbt sources declare them).
_SQL_TYPES = {
    BIGINT: "bigint",
    TEXT: "text",
    BOOL: "boolean",
    TIME: "timestamptz",
    DOUBLE: "double precision",
    AMOUNT: "numeric",
    JSON: "jsonb",
}
# The types dlt's postgres destination creates for them, for tables created before dlt loads
# them (ingestion/blocks/partitions.py); tests/ingestion/test_partitions.py compares with dlt's.
_DDL_TYPES = _SQL_TYPES | {
    TEXT: "varchar",
    TIME: "timestamp with time zone",
    AMOUNT: "numeric(20,0)",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType | str
    nullable: bool = True

    @property
    def sql_type(self) -> str:
        return _SQL_TYPES[self.type]

    @property
    def ddl_type(self) -> str:
        return _DDL_TYPES[self.type]


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    dataset: str = "raw_solana"
    # The column a Dagster epoch partition selects rows by.
    partition: str = "epoch"

    @property
    def qualified_name(self) -> str:
        return f"{self.dataset}.{self.name}"

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def not_null(self) -> list[str]:
        """Columns never null: the key's and those declared so."""
        return [c.name for c in self.columns if not c.nullable or c.name in self.key]

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema(
            pa.field(c.name, TEXT if c.type == JSON else c.type, nullable=c.nullable)
            for c in self.columns
        )

    def dlt_columns(self) -> dict[str, TColumnSchema]:
        """The complete dlt columns: files are imported as they are, dlt infers nothing."""
        # A fresh dict per column: dlt writes into the hints it is given.
        hints: dict[str, TColumnSchema] = {}
        for c in self.columns:
            hint: dict[str, Any] = {"nullable": c.name not in self.not_null}
            if c.type == AMOUNT:
                hint.update(data_type="decimal", precision=20, scale=0)
            else:
                hint["data_type"] = c.type if c.type == JSON else _DLT_TYPES[c.type]
            hints[c.name] = hint  # type: ignore[assignment]
        return hints

    def arrow(self, data: dict[str, list[Any]]) -> pa.Table:
        return pa.Table.from_pydict(data, schema=self.arrow_schema)
