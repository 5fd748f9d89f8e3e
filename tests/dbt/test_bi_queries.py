"""Every example query of docs/bi.md runs as mevhouse_bi on the loaded warehouse and answers."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest
from simnet_warehouse import LoadedWarehouse

from orchestration.warehouse import init_warehouse

BI_DOC = Path(__file__).resolve().parents[2] / "docs" / "bi.md"


def examples() -> list[tuple[str, str]]:
    """(question, SQL) for each `### N. question` heading and the sql block under it."""
    text = BI_DOC.read_text()
    found = re.findall(r"^### (\d+\. .+?)$.*?^```sql\n(.*?)^```", text, re.M | re.S)
    return [(question, sql.strip()) for question, sql in found]


def test_the_guide_has_ten_questions():
    assert len(examples()) == 10


@pytest.fixture(scope="module")
def bi_connection(simnet_warehouse: LoadedWarehouse):
    """A session with mevhouse_bi's privileges (roles.sql applied, as `warehouse init` does)."""
    init_warehouse(simnet_warehouse.url)
    with psycopg.connect(simnet_warehouse.url, autocommit=True) as conn:
        conn.execute("set role mevhouse_bi")
        conn.execute("set statement_timeout = '60s'")
        yield conn


def test_the_session_has_only_the_bi_role(bi_connection):
    assert bi_connection.execute("select current_user").fetchone() == ("mevhouse_bi",)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        bi_connection.execute("select count(*) from raw_solana.blocks")


@pytest.mark.parametrize(("question", "sql"), examples(), ids=[q for q, _ in examples()])
def test_example_query_answers_as_bi(bi_connection, question, sql):
    rows = bi_connection.execute(sql.rstrip(";")).fetchall()
    assert rows, f"{question!r} returned no rows on a loaded warehouse"
