"""Pages of Arrow tables written as the CSV files dlt imports as they are.

dlt's own path for Arrow items writes Parquet at extract and rewrites it as CSV at normalize:
two passes over every row that a plain COPY does not make. Written once here (pyarrow's C++ CSV
writer) and imported with `dlt.mark.with_file_import`, the rows reach PostgreSQL's COPY the way
they would from a hand-written loader, while dlt keeps the schema, state and load bookkeeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

# dlt's PostgreSQL CSV job reads the header for the column list; empty unquoted fields are null.
_OPTIONS = pacsv.WriteOptions(include_header=True, quoting_style="needed")


@dataclass(frozen=True)
class CsvFile:
    path: str
    rows: int


def write_page(tables: dict[str, pa.Table], directory: Path, number: int) -> dict[str, CsvFile]:
    """One CSV file per table (empty ones too: they create the table on a first load)."""
    directory.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, table in tables.items():
        path = directory / f"{name}.{number}.csv"
        pacsv.write_csv(table, path, _OPTIONS)
        out[name] = CsvFile(str(path), table.num_rows)
    return out
