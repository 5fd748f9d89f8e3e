"""The raw tables' declarations (ingestion/raw_tables.py) against what derives from them: the dbt
sources' column lists and the tables the real loaders create."""

from __future__ import annotations

import yaml
from simnet_warehouse import LoadedWarehouse

from ingestion.raw_tables import RAW_TABLES, SOURCES_YML, generate

# How PostgreSQL's format_type() spells the columns dlt creates for these declared types (dlt
# creates text as an unbounded varchar, the same to PostgreSQL).
FORMATTED = {
    "text": "character varying",
    "timestamptz": "timestamp with time zone",
    "numeric": "numeric(20,0)",
}


def test_the_dbt_sources_are_generated_from_the_declarations() -> None:
    for dataset, path in SOURCES_YML.items():
        committed = path.read_text()
        assert generate(committed, dataset) == committed, (
            f"{path} differs from the declarations: run `python -m ingestion.raw_tables --write`"
        )
        [source] = yaml.safe_load(committed)["sources"]
        tables = {f"{dataset}.{table['name']}" for table in source["tables"]}
        assert tables == {name for name, t in RAW_TABLES.items() if t.dataset == dataset}


def test_the_loaders_create_the_declared_tables(simnet_raw: LoadedWarehouse) -> None:
    rows = simnet_raw.query(
        "select n.nspname || '.' || c.relname, a.attname, format_type(a.atttypid, a.atttypmod),"
        " a.attnotnull from pg_attribute as a"
        " inner join pg_class as c on c.oid = a.attrelid"
        " inner join pg_namespace as n on n.oid = c.relnamespace"
        " where n.nspname in ('raw_solana', 'raw_jito') and c.relkind in ('r', 'p')"
        " and a.attnum > 0 and not a.attisdropped and a.attname not like '\\_dlt\\_%%'"
        " order by c.relname, a.attnum"
    )
    created: dict[str, list[tuple[str, str, bool]]] = {}
    for table, column, kind, not_null in rows:
        created.setdefault(table, []).append((column, kind, not_null))
    declared = {
        name: [
            (c.name, FORMATTED.get(c.sql_type, c.sql_type), c.name in table.not_null)
            for c in table.columns
        ]
        for name, table in RAW_TABLES.items()
    }
    assert {t: created.get(t) for t in declared} == declared
