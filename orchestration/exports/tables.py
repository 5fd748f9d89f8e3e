"""Read a mart's rows for one partition into an Arrow table with a schema from PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any

import psycopg
import pyarrow as pa
from psycopg import sql

# PostgreSQL type OIDs and their Arrow types; numeric is handled by numeric_array.
ARROW_TYPES: dict[int, pa.DataType] = {
    16: pa.bool_(),
    20: pa.int64(),
    21: pa.int16(),
    23: pa.int32(),
    25: pa.string(),
    1043: pa.string(),
    700: pa.float32(),
    701: pa.float64(),
    1082: pa.date32(),
    1114: pa.timestamp("us"),
    1184: pa.timestamp("us", tz="UTC"),
    1009: pa.list_(pa.string()),
    1015: pa.list_(pa.string()),
    1016: pa.list_(pa.int64()),
}
NUMERIC = 1700
JSON_TYPES = {114, 3802}
DIGITS, WIDE_DIGITS, SCALE = 38, 76, 18
NUMERIC_TYPE = pa.decimal128(DIGITS, SCALE)


@dataclass(frozen=True)
class MartSlice:
    """Which rows of a mart one partition exports: `column = value`, or all rows.

    With `utc_day`, the column is a timestamptz matched by its UTC day.
    """

    mart: str
    column: str | None
    utc_day: bool = False

    def query(self) -> sql.Composed:
        table = sql.Identifier("marts", self.mart)
        if self.column is None:
            return sql.SQL("select * from {}").format(table)
        column: sql.Composable = sql.Identifier(self.column)
        if self.utc_day:
            column = sql.SQL("({} at time zone 'UTC')::date").format(column)
        return sql.SQL("select * from {} where {} = %s").format(table, column)


def arrow_column(values: list[Any], oid: int) -> pa.Array:
    if oid in JSON_TYPES:
        return pa.array([None if v is None else json.dumps(v) for v in values], pa.string())
    if oid == NUMERIC:
        return numeric_array(values)
    return pa.array(values, ARROW_TYPES.get(oid))


def numeric_array(values: list[Decimal | None]) -> pa.Array:
    """Unbounded numeric as decimal128(38, 18), the same type in every partition so that a
    mart's files read as one table: 20 integer digits hold any u64 (lamports, raw token amounts)
    exactly; a quotient's longer fraction is rounded. Larger integers take decimal256(76, 18)."""
    present = [v for v in values if v is not None and v.is_finite()]
    wide = any(v.adjusted() + 1 > DIGITS - SCALE for v in present)
    step = Decimal(1).scaleb(-SCALE)
    with localcontext(prec=2 * WIDE_DIGITS):  # the default 28 digits cannot hold 38
        quantized = [
            v.quantize(step, ROUND_HALF_EVEN) if v is not None and v.is_finite() else None
            for v in values
        ]
    return pa.array(quantized, pa.decimal256(WIDE_DIGITS, SCALE) if wide else NUMERIC_TYPE)


def read_slice(conn: psycopg.Connection[Any], part: MartSlice, value: Any) -> pa.Table:
    """The slice's rows, ordered as stored; columns typed from the result's PostgreSQL types."""
    params = () if part.column is None else (value,)
    with conn.cursor() as cur:
        cur.execute(part.query(), params)
        rows = cur.fetchall()
        description = cur.description or []
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in description]
    return pa.table(
        {
            d.name: arrow_column(list(c), d.type_code)
            for d, c in zip(description, columns, strict=True)
        }
    )
