"""Every raw table, by its qualified name (`raw_solana.blocks`), and the dbt sources' column
lists generated from the declarations.

    python -m ingestion.raw_tables            # print the column lists dbt's sources must hold
    python -m ingestion.raw_tables --write    # rewrite them in dbt_project/models/staging/*/

The descriptions in the sources' yml are kept (a new column gets an empty one to write);
tests/dbt/test_raw_tables.py fails when the committed yml differs from the generated one.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from ingestion.blocks.tables import TABLES as BLOCK_TABLES
from ingestion.contract import Table
from ingestion.jito.settings import TABLES as JITO_TABLES
from ingestion.solana.settings import TABLES as SOLANA_TABLES

RAW_TABLES: dict[str, Table] = {
    t.qualified_name: t for t in (*SOLANA_TABLES, *BLOCK_TABLES, *JITO_TABLES)
}

STAGING_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "models" / "staging"
# The sources' yml per dataset: `name: raw_solana` lives in staging/solana/_solana__sources.yml.
SOURCES_YML = {
    dataset: STAGING_DIR / source / f"_{source}__sources.yml"
    for dataset in {t.dataset for t in RAW_TABLES.values()}
    for source in [dataset.removeprefix("raw_")]
}

_TABLE = re.compile(r"^      - name: (\w+)$")
_COLUMN = re.compile(r"^          - name: (\w+)$")
_COLUMNS_KEY = "        columns:"


def _column_blocks(lines: list[str]) -> dict[str, list[str]]:
    """Each column's lines (name, description, data type) as they stand, by column name."""
    blocks: dict[str, list[str]] = {}
    current = None
    for line in lines:
        match = _COLUMN.match(line)
        if match:
            current = match.group(1)
            blocks[current] = []
        if current is not None:
            blocks[current].append(line)
    return blocks


def _generated_block(table: Table, name: str, existing: list[str] | None) -> list[str]:
    column = next(c for c in table.columns if c.name == name)
    kept = [
        line
        for line in existing or []
        if not line.startswith("            data_type:") and line.strip()
    ]
    if not kept:
        kept = [f"          - name: {name}", '            description: ""']
    return [*kept, f"            data_type: {column.sql_type}"]


def generate(text: str, dataset: str) -> str:
    """The sources yml `text` with each declared table's column list regenerated."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        match = _TABLE.match(line)
        if not match or f"{dataset}.{match.group(1)}" not in RAW_TABLES:
            continue
        table = RAW_TABLES[f"{dataset}.{match.group(1)}"]
        while i < len(lines) and lines[i] != _COLUMNS_KEY:
            out.append(lines[i])
            i += 1
        out.append(_COLUMNS_KEY)
        i += 1
        # The column list runs to the blank line before the next table (or the file's end).
        end = i
        while end < len(lines) and lines[end].strip():
            end += 1
        existing = _column_blocks(lines[i:end])
        for name in table.names:
            out.extend(_generated_block(table, name, existing.get(name)))
        i = end
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the sources' yml files")
    args = parser.parse_args(argv)
    for dataset, path in sorted(SOURCES_YML.items()):
        text = path.read_text()
        generated = generate(text, dataset)
        if args.write:
            path.write_text(generated)
            print(f"wrote {path}")
        else:
            print(f"# {path}\n{generated}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
