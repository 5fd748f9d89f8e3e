"""The raw_solana GX suites against a real PostgreSQL: verdicts, quarantine, scope, errors."""

from __future__ import annotations

import gc
import hashlib
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from psycopg import sql
from solders.pubkey import Pubkey

from expectations import (
    SUITES,
    ExpectationFailure,
    SuiteResult,
    TableNotFoundError,
    WarehouseConnectionError,
    run_suite,
)
from expectations.failing_rows import failing_rows
from expectations.warehouse_url import parse_warehouse_url

RAW_DDL = """
create schema raw_solana;
create table raw_solana.vote_accounts (
    epoch bigint, vote_pubkey text, node_pubkey text, activated_stake bigint,
    commission bigint, epoch_vote_account boolean, delinquent boolean, last_vote bigint,
    root_slot bigint, credits bigint, observed_epoch bigint,
    _dlt_load_id text not null default '1700000000.1',
    _dlt_id text not null default md5(random()::text)
);
create table raw_solana.block_production (
    epoch bigint, identity text, leader_slots bigint, blocks_produced bigint,
    first_slot bigint, last_slot bigint,
    _dlt_load_id text not null default '1700000000.1',
    _dlt_id text not null default md5(random()::text)
);
create table raw_solana.epochs (
    epoch bigint, first_slot bigint, last_slot bigint, slots_in_epoch bigint,
    start_time timestamptz, end_time timestamptz, inflation_total double precision,
    inflation_validator double precision, inflation_foundation double precision,
    observed_epoch bigint,
    _dlt_load_id text not null default '1700000000.1',
    _dlt_id text not null default md5(random()::text)
);
"""

VOTE_COLUMNS = (
    "epoch",
    "vote_pubkey",
    "node_pubkey",
    "activated_stake",
    "commission",
    "epoch_vote_account",
    "delinquent",
    "last_vote",
    "root_slot",
    "credits",
    "observed_epoch",
)
BLOCK_COLUMNS = ("epoch", "identity", "leader_slots", "blocks_produced", "first_slot", "last_slot")
EPOCH_COLUMNS = (
    "epoch",
    "first_slot",
    "last_slot",
    "slots_in_epoch",
    "start_time",
    "end_time",
    "inflation_total",
    "inflation_validator",
    "inflation_foundation",
    "observed_epoch",
)
SLOTS = 432_000
# Client sessions only: an autovacuum worker may visit the freshly written tables at any time.
OTHER_SESSIONS = (
    "select count(*) from pg_stat_activity where datname = current_database()"
    " and pid <> pg_backend_pid() and backend_type = 'client backend'"
)


def key(name: str) -> str:
    """A real base58 public key, stable per name."""
    return str(Pubkey.from_bytes(hashlib.sha256(name.encode()).digest()))


def vote_row(epoch: int, n: int, **overrides: Any) -> dict[str, Any]:
    row = {
        "epoch": epoch,
        "vote_pubkey": key(f"vote{n}"),
        "node_pubkey": key(f"node{n}"),
        "activated_stake": 1_000_000_000 * (n + 1),
        "commission": n % 11,
        "epoch_vote_account": True,
        "delinquent": False,
        "last_vote": epoch * SLOTS + 100,
        "root_slot": epoch * SLOTS + 68,
        "credits": 400_000 - n,
        "observed_epoch": epoch + 1,
    }
    return {**row, **overrides}


def block_row(epoch: int, n: int, **overrides: Any) -> dict[str, Any]:
    row = {
        "epoch": epoch,
        "identity": key(f"node{n}"),
        "leader_slots": 40 + n,
        "blocks_produced": 38 + n,
        "first_slot": epoch * SLOTS,
        "last_slot": (epoch + 1) * SLOTS - 1,
    }
    return {**row, **overrides}


def epoch_row(epoch: int, **overrides: Any) -> dict[str, Any]:
    row = {
        "epoch": epoch,
        "first_slot": epoch * SLOTS,
        "last_slot": (epoch + 1) * SLOTS - 1,
        "slots_in_epoch": SLOTS,
        "start_time": datetime.fromtimestamp(1_700_000_000 + epoch * 172_800, UTC),
        "end_time": datetime.fromtimestamp(1_700_000_000 + (epoch + 1) * 172_800 - 1, UTC),
        "inflation_total": 0.045,
        "inflation_validator": 0.045,
        "inflation_foundation": 0.0,
        "observed_epoch": epoch + 1,
    }
    return {**row, **overrides}


class Warehouse:
    def __init__(self, url: str) -> None:
        self.url = url
        self.conn = psycopg.connect(url, autocommit=True)

    def insert(self, table: str, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
        query = sql.SQL("copy {} ({}) from stdin").format(
            sql.Identifier("raw_solana", table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with self.conn.cursor() as cur, cur.copy(query) as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])

    def count(self, query: str, *params: Any) -> int:
        row = self.conn.execute(query, params).fetchone()
        assert row is not None
        return int(row[0])

    def quarantined(self, table: str, run_id: str) -> list[tuple[str, str, dict[str, Any]]]:
        query = sql.SQL(
            "select expectation, column_name, row_data from {} where run_id = %s order by 1, 2"
        ).format(sql.Identifier("quarantine", f"raw_solana__{table}"))
        return [(e, c, r) for e, c, r in self.conn.execute(query, (run_id,))]


@pytest.fixture
def wh(warehouse_url: str) -> Iterator[Warehouse]:
    warehouse = Warehouse(warehouse_url)
    warehouse.conn.execute(
        "drop schema if exists raw_solana cascade; drop schema if exists quarantine cascade"
    )
    warehouse.conn.execute(RAW_DDL)
    yield warehouse
    warehouse.conn.close()


def by_check(result: SuiteResult) -> dict[tuple[str, str | None], ExpectationFailure]:
    return {(f.expectation, f.column): f for f in result.failures}


def expectation_count(table: str) -> int:
    return len(SUITES[table].expectations())


def test_every_expectation_has_a_failing_rows_query() -> None:
    for spec in SUITES.values():
        expectations = spec.expectations()
        types = {e.expectation_type for e in expectations}
        assert "expect_column_values_to_not_be_null" in types
        for e in expectations:
            failing_rows(e.expectation_type, e.configuration.kwargs, sql.SQL("t"), sql.SQL("true"))
        not_null = {
            e.configuration.kwargs["column"]
            for e in expectations
            if e.expectation_type == "expect_column_values_to_not_be_null"
        }
        assert set(spec.primary_key) <= not_null, spec.table


def test_clean_rows_pass_and_quarantine_nothing(wh: Warehouse) -> None:
    wh.insert("vote_accounts", VOTE_COLUMNS, [vote_row(e, n) for e in (10, 11) for n in range(50)])
    wh.insert("block_production", BLOCK_COLUMNS, [block_row(10, n) for n in range(30)])
    wh.insert("epochs", EPOCH_COLUMNS, [epoch_row(e) for e in (10, 11, 12)])
    # A vote account that has not voted yet has no credits and no root: nulls are allowed.
    wh.insert("vote_accounts", VOTE_COLUMNS, [vote_row(11, 99, credits=None, root_slot=None)])

    for table, rows in [("vote_accounts", 101), ("block_production", 30), ("epochs", 3)]:
        # Earlier tests' garbage (say, a server socket) must not warn inside the block below.
        gc.collect()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = run_suite(wh.url, f"raw_solana.{table}", run_id="clean")
        assert [str(w.message) for w in caught] == []
        assert result.success, result.summary()
        assert result.failures == []
        assert result.quarantined_rows == 0
        assert result.rows_checked == rows
        assert result.evaluated == expectation_count(f"raw_solana.{table}")
        assert wh.quarantined(table, "clean") == []
        assert result.summary().splitlines() == [
            f"raw_solana.{table}: passed {result.evaluated} expectations on {rows} rows"
        ]
    # GX's engine is disposed: no session of the check outlives the call.
    assert wh.count(OTHER_SESSIONS) == 0


def test_vote_account_failures_are_reported_and_quarantined_once(
    wh: Warehouse, caplog: pytest.LogCaptureFixture
) -> None:
    clean = [vote_row(10, n) for n in range(20)]
    bad = [
        vote_row(10, 100, activated_stake=-5),
        vote_row(10, 101, commission=150),
        vote_row(10, 102, vote_pubkey="not-a-key"),
        vote_row(10, 103, node_pubkey="0" * 44),
        vote_row(10, 106, node_pubkey="2" * 31),
        vote_row(10, 104, observed_epoch=9),
        vote_row(10, 105, credits=-1),
        vote_row(10, 3, commission=7),  # the same (epoch, vote_pubkey) as a clean row
    ]
    wh.insert("vote_accounts", VOTE_COLUMNS, clean + bad)

    for _ in range(2):
        result = run_suite(wh.url, "raw_solana.vote_accounts", run_id="run-1")
        assert not result.success
        assert result.rows_checked == 28
        failures = by_check(result)
        assert set(failures) == {
            ("expect_column_values_to_be_between", "activated_stake"),
            ("expect_column_values_to_be_between", "commission"),
            ("expect_column_values_to_be_between", "credits"),
            ("expect_column_values_to_match_regex", "vote_pubkey"),
            ("expect_column_values_to_match_regex", "node_pubkey"),
            ("expect_column_value_lengths_to_be_between", "vote_pubkey"),
            ("expect_column_value_lengths_to_be_between", "node_pubkey"),
            ("expect_column_pair_values_a_to_be_greater_than_b", "observed_epoch,epoch"),
            ("expect_compound_columns_to_be_unique", "epoch,vote_pubkey"),
        }

        def sample(n: int, **over: Any) -> list[dict[str, Any]]:
            return [{"epoch": 10, "vote_pubkey": key(f"vote{n}"), **over}]

        between = "expect_column_values_to_be_between"
        assert failures[(between, "activated_stake")].sample_keys == sample(100)
        assert failures[(between, "commission")].sample_keys == sample(101)
        assert failures[(between, "credits")].sample_keys == sample(105)
        regex = "expect_column_values_to_match_regex"
        assert failures[(regex, "vote_pubkey")].sample_keys == sample(102, vote_pubkey="not-a-key")
        assert failures[(regex, "node_pubkey")].sample_keys == sample(103)
        # A pattern and a length: "not-a-key" fails both, 31 base58 characters the length only.
        lengths = "expect_column_value_lengths_to_be_between"
        not_a_key = sample(102, vote_pubkey="not-a-key")
        assert failures[(lengths, "vote_pubkey")].sample_keys == not_a_key
        assert failures[(lengths, "node_pubkey")].sample_keys == sample(106)
        pair = failures[
            ("expect_column_pair_values_a_to_be_greater_than_b", "observed_epoch,epoch")
        ]
        assert pair.sample_keys == sample(104)
        duplicate = failures[("expect_compound_columns_to_be_unique", "epoch,vote_pubkey")]
        assert duplicate.unexpected_count == 2
        assert duplicate.sample_keys == sample(3) * 2
        assert all(f.unexpected_count == 1 for f in result.failures if f is not duplicate)

        assert result.quarantined_rows == 10
        quarantined = wh.quarantined("vote_accounts", "run-1")
        assert len(quarantined) == 10  # the second run replaced the first run's copies
        for failure in result.failures:
            rows = [r for e, c, r in quarantined if (e, c) == (failure.expectation, failure.column)]
            assert len(rows) == failure.unexpected_count
            keys = [{"epoch": r["epoch"], "vote_pubkey": r["vote_pubkey"]} for r in rows]
            assert sorted(keys, key=str) == sorted(failure.sample_keys, key=str)
        commission_row = next(r for e, c, r in quarantined if c == "commission")
        assert commission_row["commission"] == 150
        assert commission_row["node_pubkey"] == key("node101")
        assert {"_dlt_id", "_dlt_load_id", "root_slot"} <= commission_row.keys()

    assert wh.count("select count(*) from raw_solana.vote_accounts") == 28
    # GX's counts and the quarantine's SQL agreed on every expectation.
    assert not [r for r in caplog.records if r.name.startswith("expectations")]
    lines = result.summary().splitlines()
    assert lines[0] == (
        f"raw_solana.vote_accounts: failed 9 of {result.evaluated} expectations on 28 rows;"
        " 10 row(s) copied to quarantine (run_id=run-1)"
    )
    assert len(lines) == 10
    assert (
        "raw_solana.vote_accounts expect_column_values_to_be_between(commission): 1 row(s) failed,"
        f" e.g. epoch=10 vote_pubkey={key('vote101')}"
    ) in lines

    other = run_suite(wh.url, "raw_solana.vote_accounts", run_id="run-2")
    assert other.quarantined_rows == 10
    assert len(wh.quarantined("vote_accounts", "run-1")) == 10
    assert wh.count("select count(*) from quarantine.raw_solana__vote_accounts") == 20


def test_missing_keys_fail_not_null_only(wh: Warehouse) -> None:
    wh.insert("vote_accounts", VOTE_COLUMNS, [vote_row(10, n) for n in range(5)])
    wh.insert("vote_accounts", VOTE_COLUMNS, [vote_row(10, 7, vote_pubkey=None)])

    result = run_suite(wh.url, "raw_solana.vote_accounts", run_id="nulls")

    assert [(f.expectation, f.column, f.unexpected_count) for f in result.failures] == [
        ("expect_column_values_to_not_be_null", "vote_pubkey", 1)
    ]
    assert result.failures[0].sample_keys == [{"epoch": 10, "vote_pubkey": None}]
    assert result.quarantined_rows == 1


def test_block_production_failures(wh: Warehouse) -> None:
    rows = [block_row(10, n) for n in range(10)] + [
        block_row(10, 20, blocks_produced=45, leader_slots=44),
        block_row(10, 21, leader_slots=-4, blocks_produced=-8),
        block_row(10, 22, identity="Il0O" * 10),
        block_row(10, 23, first_slot=10 * SLOTS + 5, last_slot=10 * SLOTS),
    ]
    wh.insert("block_production", BLOCK_COLUMNS, rows)

    result = run_suite(wh.url, "raw_solana.block_production", run_id="bp")

    def sample(n: int) -> list[dict[str, Any]]:
        return [{"epoch": 10, "identity": key(f"node{n}")}]

    failures = by_check(result)
    pair = "expect_column_pair_values_a_to_be_greater_than_b"
    assert failures[(pair, "leader_slots,blocks_produced")].sample_keys == sample(20)
    assert failures[(pair, "last_slot,first_slot")].sample_keys == sample(23)
    between = "expect_column_values_to_be_between"
    assert failures[(between, "leader_slots")].sample_keys == sample(21)
    assert failures[(between, "blocks_produced")].sample_keys == sample(21)
    assert failures[("expect_column_values_to_match_regex", "identity")].sample_keys == [
        {"epoch": 10, "identity": "Il0O" * 10}
    ]
    assert len(failures) == 5
    assert all(f.unexpected_count == 1 for f in result.failures)
    assert result.quarantined_rows == 5
    assert wh.count("select count(*) from raw_solana.block_production") == 14


def test_epoch_failures(wh: Warehouse) -> None:
    rows = [
        epoch_row(10),
        epoch_row(11, first_slot=12 * SLOTS, last_slot=11 * SLOTS),
        epoch_row(12, slots_in_epoch=0),
        epoch_row(13),
        epoch_row(13),
    ]
    wh.insert("epochs", EPOCH_COLUMNS, rows)

    result = run_suite(wh.url, "raw_solana.epochs", run_id="ep")

    assert sorted(
        (f.expectation, f.column, f.unexpected_count, f.sample_keys) for f in result.failures
    ) == [
        (
            "expect_column_pair_values_a_to_be_greater_than_b",
            "last_slot,first_slot",
            1,
            [{"epoch": 11}],
        ),
        ("expect_column_values_to_be_between", "slots_in_epoch", 1, [{"epoch": 12}]),
        ("expect_column_values_to_be_unique", "epoch", 2, [{"epoch": 13}, {"epoch": 13}]),
    ]
    assert result.quarantined_rows == 4


def test_epochs_argument_limits_the_check_and_its_quarantine(wh: Warehouse) -> None:
    wh.insert("vote_accounts", VOTE_COLUMNS, [vote_row(e, n) for e in (10, 11) for n in range(10)])
    wh.insert("vote_accounts", VOTE_COLUMNS, [vote_row(11, 50, commission=150)])

    passed = run_suite(wh.url, "raw_solana.vote_accounts", epochs=[10], run_id="r")
    assert passed.success, passed.summary()
    assert passed.rows_checked == 10

    failed = run_suite(wh.url, "raw_solana.vote_accounts", epochs=[11], run_id="r")
    assert not failed.success
    assert failed.rows_checked == 11
    assert [(f.column, f.unexpected_count) for f in failed.failures] == [("commission", 1)]

    # Checking epoch 10 again in the same run keeps what the check of epoch 11 quarantined.
    run_suite(wh.url, "raw_solana.vote_accounts", epochs=[10], run_id="r")
    assert len(wh.quarantined("vote_accounts", "r")) == 1
    both = run_suite(wh.url, "raw_solana.vote_accounts", epochs=[11, 10], run_id="r")
    assert both.rows_checked == 21 and both.quarantined_rows == 1
    assert len(wh.quarantined("vote_accounts", "r")) == 1

    nothing = run_suite(wh.url, "raw_solana.vote_accounts", epochs=[], run_id="r")
    assert nothing.success and nothing.rows_checked == 0


def test_an_epochs_check_never_fetches_the_epochs_rows(wh: Warehouse) -> None:
    # GX reads a query batch's columns by running its query alone: that statement must return
    # no rows, or every row of the epochs (millions of instructions) lands in this process.
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    wh.insert("vote_accounts", VOTE_COLUMNS, [vote_row(e, n) for e in (10, 11) for n in range(40)])
    fetched: list[tuple[str, int]] = []

    def count_rows(_conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        fetched.append((statement, cursor.rowcount))

    event.listen(Engine, "after_cursor_execute", count_rows)
    try:
        result = run_suite(wh.url, "raw_solana.vote_accounts", epochs=[11], run_id="r")
    finally:
        event.remove(Engine, "after_cursor_execute", count_rows)
    assert result.success and result.rows_checked == 40
    assert fetched, "GX ran no statement through SQLAlchemy"
    assert max(rows for _, rows in fetched) <= 1, [s for s, n in fetched if n > 1]


def test_missing_table_names_it_and_says_to_load_first(wh: Warehouse) -> None:
    wh.conn.execute("drop table raw_solana.epochs")
    with pytest.raises(TableNotFoundError, match=r"raw_solana\.epochs does not exist.*loader"):
        run_suite(wh.url, "raw_solana.epochs")


def test_unknown_suite_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="raw_solana.vote_accounts"):
        run_suite("postgresql://u:p@127.0.0.1:1/db", "raw_solana.nope")


def test_connection_failure_is_one_line_without_the_password() -> None:
    url = "postgresql://loader:s3cr%40t-pw@127.0.0.1:1/warehouse?password=other-secret"
    with pytest.raises(WarehouseConnectionError) as caught:
        run_suite(url, "raw_solana.epochs")
    message = str(caught.value)
    assert "s3cr" not in message and "other-secret" not in message
    assert "\n" not in message
    assert message.startswith("cannot connect to the warehouse at postgresql://loader:***@")
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_warehouse_url_forms() -> None:
    url = parse_warehouse_url("postgresql+psycopg2://u:p%40ss@h:5433/db?sslmode=require")
    assert url.sqlalchemy == "postgresql+psycopg://u:p%40ss@h:5433/db?sslmode=require"
    assert url.libpq == "postgresql://u:p%40ss@h:5433/db?sslmode=require"
    assert url.redacted == "postgresql://u:***@h:5433/db?sslmode=***"
    assert url.scrub("failed for p@ss") == "failed for ***"
    with pytest.raises(ValueError, match="PostgreSQL"):
        parse_warehouse_url("mysql://u:p@h/db")


def test_quarantine_selects_exactly_the_rows_gx_counts(
    wh: Warehouse, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # With BASIC results the runner compares GX's count with its own SQL and logs a mismatch.
    # Nulls sit in every position GX treats specially: they are skipped by ranges, patterns
    # and pairs, and a key with a null part is never a duplicate.
    monkeypatch.setattr("expectations.runner._RESULT_FORMAT", "BASIC")
    short, long_ = "2" * 31, "2" * 45
    wh.insert(
        "vote_accounts",
        VOTE_COLUMNS,
        [
            vote_row(10, 0, commission=0),
            vote_row(10, 0, commission=1),
            vote_row(10, 10, observed_epoch=9),
            vote_row(10, 1, commission=100, credits=None, observed_epoch=10),
            vote_row(10, 2, commission=101, observed_epoch=None),
            vote_row(10, 3, vote_pubkey="2" * 32, node_pubkey=short),
            vote_row(10, 4, vote_pubkey=long_, node_pubkey=None),
            vote_row(10, 5, vote_pubkey=None),
            vote_row(10, 6, vote_pubkey=None),
            {**vote_row(10, 7, vote_pubkey=None), "epoch": None},
            {**vote_row(10, 8, vote_pubkey=None), "epoch": None},
            {**vote_row(10, 9, observed_epoch=3), "epoch": None},
        ],
    )
    wh.insert(
        "block_production",
        BLOCK_COLUMNS,
        [
            block_row(10, 0, blocks_produced=40, leader_slots=40),
            block_row(10, 0),
            block_row(10, 6, blocks_produced=50),
            block_row(10, 1, blocks_produced=None),
            block_row(10, 2, leader_slots=None, blocks_produced=None),
            block_row(10, 3, first_slot=None),
            block_row(10, 4, identity=None),
            block_row(10, 5, identity=None),
        ],
    )
    wh.insert(
        "epochs",
        EPOCH_COLUMNS,
        [
            epoch_row(10, first_slot=5, last_slot=5, slots_in_epoch=1),
            epoch_row(10),
            epoch_row(11, slots_in_epoch=-1),
            epoch_row(14, first_slot=None),
            epoch_row(15, first_slot=10, last_slot=9),
            {**epoch_row(12, slots_in_epoch=None), "epoch": None},
            {**epoch_row(13), "epoch": None},
        ],
    )

    counts = {}
    for table in ("raw_solana.vote_accounts", "raw_solana.block_production", "raw_solana.epochs"):
        result = run_suite(wh.url, table, run_id="parity")
        counts[table] = {(f.expectation, f.column): f.unexpected_count for f in result.failures}
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("expectations")]

    not_null, unique = "expect_column_values_to_not_be_null", "expect_compound_columns_to_be_unique"
    between = "expect_column_values_to_be_between"
    lengths = "expect_column_value_lengths_to_be_between"
    pair = "expect_column_pair_values_a_to_be_greater_than_b"
    assert counts == {
        "raw_solana.vote_accounts": {
            (not_null, "epoch"): 3,
            (not_null, "vote_pubkey"): 4,
            (not_null, "node_pubkey"): 1,
            (not_null, "observed_epoch"): 1,
            (unique, "epoch,vote_pubkey"): 2,
            (between, "commission"): 1,
            (lengths, "vote_pubkey"): 1,
            (lengths, "node_pubkey"): 1,
            (pair, "observed_epoch,epoch"): 1,
        },
        "raw_solana.block_production": {
            (not_null, "identity"): 2,
            (not_null, "leader_slots"): 1,
            (not_null, "blocks_produced"): 2,
            # Declared not null (ingestion/solana/settings.py), as every slot range is.
            (not_null, "first_slot"): 1,
            (unique, "epoch,identity"): 2,
            (pair, "leader_slots,blocks_produced"): 1,
        },
        "raw_solana.epochs": {
            (not_null, "epoch"): 2,
            (not_null, "slots_in_epoch"): 1,
            (not_null, "first_slot"): 1,
            ("expect_column_values_to_be_unique", "epoch"): 2,
            (pair, "last_slot,first_slot"): 1,
            (between, "slots_in_epoch"): 1,
        },
    }
