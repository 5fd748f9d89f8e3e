"""Run a raw table's GX suite once, quarantine the failing rows and report what failed."""

from __future__ import annotations

import logging
import uuid
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import psycopg
from psycopg import sql

from expectations.failing_rows import columns_of, failing_rows
from expectations.quarantine import clear_run, ensure_table, insert_failing, sample_keys
from expectations.registry import SUITES
from expectations.suite import SuiteSpec
from expectations.warehouse_url import WarehouseUrl, parse_warehouse_url
from ingestion.blocks.partitions import PARTITIONED, analyze_sql

if TYPE_CHECKING:
    from great_expectations.core import ExpectationSuiteValidationResult
    from great_expectations.expectations import Expectation

log = logging.getLogger(__name__)

_SUMMARY_SAMPLES = 5


class ExpectationsError(RuntimeError):
    """A suite could not be run; the message says why and what to do."""


class WarehouseConnectionError(ExpectationsError):
    """The warehouse did not accept a connection (the message carries no password)."""


class TableNotFoundError(ExpectationsError):
    """The raw table is not there yet: its loader has not run."""


class SuiteExecutionError(ExpectationsError):
    """The suite could not be evaluated: a column is missing or GX raised."""


@dataclass(frozen=True)
class ExpectationFailure:
    """One failed expectation: how many rows failed it and the keys of up to 20 of them."""

    expectation: str
    column: str | None
    unexpected_count: int
    sample_keys: list[dict[str, Any]]

    def describe(self, table: str) -> str:
        samples = "; ".join(
            " ".join(f"{k}={v}" for k, v in key.items())
            for key in self.sample_keys[:_SUMMARY_SAMPLES]
        )
        more = len(self.sample_keys) - _SUMMARY_SAMPLES
        if more > 0:
            samples += f"; +{more} more sampled"
        column = f"({self.column})" if self.column else ""
        return (
            f"{table} {self.expectation}{column}: {self.unexpected_count} row(s) failed,"
            f" e.g. {samples or 'no sample'}"
        )


@dataclass(frozen=True)
class SuiteResult:
    """The outcome of one suite run over a raw table (or some of its epochs)."""

    table: str
    success: bool
    evaluated: int
    rows_checked: int
    failures: list[ExpectationFailure]
    quarantined_rows: int
    run_id: str = field(default="")

    def summary(self) -> str:
        """One line for the suite, then one line per failed expectation."""
        verdict = "passed" if self.success else f"failed {len(self.failures)} of"
        head = f"{self.table}: {verdict} {self.evaluated} expectations on {self.rows_checked} rows"
        if self.quarantined_rows:
            head += f"; {self.quarantined_rows} row(s) copied to quarantine (run_id={self.run_id})"
        return "\n".join([head, *(f.describe(self.table) for f in self.failures)])


@dataclass(frozen=True)
class _Outcome:
    expectation: str
    kwargs: dict[str, Any]
    success: bool
    gx_unexpected_count: int | None


# BOOLEAN_ONLY lets GX answer every expectation from one aggregate query; BASIC would add a
# scan per expectation for sample values. Which rows failed, and how many, comes from the
# quarantine's own SQL. Tests switch this to BASIC to check that both count alike.
_RESULT_FORMAT: Literal["BOOLEAN_ONLY", "BASIC"] = "BOOLEAN_ONLY"


def run_suite(
    warehouse_url: str,
    table: str,
    *,
    epochs: Sequence[int] | None = None,
    run_id: str | None = None,
) -> SuiteResult:
    """Validate `table` (all rows, or only `epochs`) and quarantine the rows that fail.

    Quarantined rows are tagged with `run_id`; running the same check again with the same
    run_id and epochs replaces them instead of adding copies. The raw table is never changed.
    """
    if table not in SUITES:
        raise ValueError(f"no GX suite for {table!r}; known tables: {', '.join(sorted(SUITES))}")
    spec = SUITES[table]
    url = parse_warehouse_url(warehouse_url)
    scope_epochs = sorted({_as_epoch(e) for e in epochs}) if epochs is not None else None
    run_id = run_id or f"adhoc-{uuid.uuid4().hex[:12]}"

    with _connect(url) as conn:
        present = _table_columns(conn, spec)
        with _quiet_gx():
            expectations = spec.expectations()
        _check_columns(spec, present, expectations)
        # The check runs right after a bulk load, before autovacuum has sampled the new rows:
        # with stale statistics PostgreSQL plans GX's uniqueness join as a nested loop, which
        # takes minutes on a few hundred thousand rows instead of a second. A block-level
        # table's epochs are analyzed partition by partition: the table would sample them all.
        table_id = sql.Identifier(spec.schema_name, spec.table_name)
        if spec.contract in PARTITIONED and scope_epochs is not None:
            conn.execute(analyze_sql(scope_epochs, [spec.contract]).encode())
        else:
            conn.execute(sql.SQL("analyze {}").format(table_id))
        batch_query = None
        if scope_epochs is not None:
            batch_query = sql.SQL("select * from {} as t where {}").format(
                table_id, _literal_scope(spec, scope_epochs)
            )
        outcomes = _validate(
            url, spec, expectations, batch_query.as_string(conn) if batch_query else None
        )
        rows_checked = _count_rows(conn, spec, scope_epochs)
        failures, quarantined = _quarantine(conn, spec, outcomes, run_id, scope_epochs)

    return SuiteResult(
        table=spec.table,
        success=all(o.success for o in outcomes),
        evaluated=len(outcomes),
        rows_checked=rows_checked,
        failures=failures,
        quarantined_rows=quarantined,
        run_id=run_id,
    )


def _as_epoch(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"epochs must be integers, got {value!r}")
    return value


def _literal_scope(spec: SuiteSpec, epochs: list[int]) -> sql.Composable:
    # GX takes its batch as query text, so the epochs are inlined here as quoted literals.
    if not epochs:
        return sql.SQL("false")
    return sql.SQL("t.{} in ({})").format(
        sql.Identifier(spec.partition_column), sql.SQL(", ").join(map(sql.Literal, epochs))
    )


def _bound_scope(spec: SuiteSpec, epochs: list[int] | None) -> sql.Composable:
    if epochs is None:
        return sql.SQL("true")
    return sql.SQL("t.{} = any(%(epochs)s)").format(sql.Identifier(spec.partition_column))


def _scope_params(epochs: list[int] | None) -> dict[str, Any]:
    return {} if epochs is None else {"epochs": epochs}


def _count_rows(conn: psycopg.Connection[Any], spec: SuiteSpec, epochs: list[int] | None) -> int:
    query = sql.SQL("select count(*) from {} as t where {}").format(
        sql.Identifier(spec.schema_name, spec.table_name), _bound_scope(spec, epochs)
    )
    row = conn.execute(query, _scope_params(epochs)).fetchone()
    return int(row[0]) if row else 0


@contextmanager
def _connect(url: WarehouseUrl) -> Iterator[psycopg.Connection[Any]]:
    try:
        conn = psycopg.connect(
            url.libpq, autocommit=True, connect_timeout=10, application_name="mevhouse-gx"
        )
    except psycopg.OperationalError as exc:
        reason = url.scrub(str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc))
        raise WarehouseConnectionError(
            f"cannot connect to the warehouse at {url.redacted}: {reason}"
        ) from None
    with conn:
        yield conn


def _table_columns(conn: psycopg.Connection[Any], spec: SuiteSpec) -> set[str]:
    present = {
        name
        for (name,) in conn.execute(
            "select column_name from information_schema.columns"
            " where table_schema = %s and table_name = %s",
            (spec.schema_name, spec.table_name),
        )
    }
    if not present:
        raise TableNotFoundError(
            f"{spec.table} does not exist in the warehouse: run the {spec.schema_name} loader"
            " first (it creates the table), then run this check again"
        )
    return present


def _check_columns(spec: SuiteSpec, present: set[str], expectations: list[Expectation]) -> None:
    needed = {spec.partition_column, *spec.primary_key}
    for expectation in expectations:
        needed.update(columns_of(expectation.configuration.kwargs))
    missing = sorted(needed - present)
    if missing:
        raise SuiteExecutionError(
            f"{spec.table} lacks column(s) {', '.join(missing)} that its suite checks:"
            " the loader's schema and expectations/ disagree"
        )


@contextmanager
def _quiet_gx() -> Iterator[None]:
    with warnings.catch_warnings():
        for category in (DeprecationWarning, PendingDeprecationWarning, FutureWarning):
            warnings.simplefilter("ignore", category)
        yield


def _read_columns_only(engine: Any, batch_query: str) -> None:
    """Make GX's column lookup of a query asset fetch no rows.

    GX reads a query asset's columns by running the query on its own and reading the result's
    description; psycopg's client-side cursor first receives every row of it (all of an
    epoch's instructions: gigabytes in this process, seconds of the server's time). Only that
    statement is the bare query: every metric wraps it in a subquery, so nothing else changes.
    """
    from sqlalchemy import event

    def limit_zero(*args: Any) -> tuple[str, Any]:
        statement, parameters = args[2], args[3]
        if statement.strip() == batch_query:
            statement = f"select * from ({batch_query}) as batch limit 0"
        return statement, parameters

    event.listen(engine, "before_cursor_execute", limit_zero, retval=True)


def _validate(
    url: WarehouseUrl, spec: SuiteSpec, expectations: list[Expectation], batch_query: str | None
) -> list[_Outcome]:
    """Run the suite in one GX validation, over the whole table or over `batch_query`."""
    with _quiet_gx():
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        source = None
        try:
            source = context.data_sources.add_postgres(
                name="warehouse", connection_string=url.sqlalchemy
            )
            # A table asset lets GX read the columns from the catalog; a query asset would
            # run the query once just for that.
            asset = (
                source.add_query_asset(name=spec.table, query=batch_query)
                if batch_query is not None
                else source.add_table_asset(
                    name=spec.table, table_name=spec.table_name, schema_name=spec.schema_name
                )
            )
            if batch_query is not None:
                _read_columns_only(source.get_execution_engine().engine, batch_query)
            batch = asset.add_batch_definition_whole_table("rows").get_batch()
            suite = gx.ExpectationSuite(name=spec.table, expectations=expectations)
            result: ExpectationSuiteValidationResult = batch.validate(
                suite, result_format=_RESULT_FORMAT
            )
        except Exception as exc:
            raise SuiteExecutionError(
                f"GX could not validate {spec.table}: {type(exc).__name__}: {url.scrub(str(exc))}"
            ) from None
        finally:
            # The data source and its execution engine each pool their own connections.
            if source is not None:
                source.get_execution_engine().close()
                source.get_engine().dispose()

    outcomes = []
    for item in result.results:
        config = item.expectation_config
        assert config is not None
        info = item.exception_info or {}
        if info.get("raised_exception"):
            raise SuiteExecutionError(
                f"{spec.table} {config.type}({', '.join(columns_of(config.kwargs))}) raised in"
                f" GX: {url.scrub(str(info.get('exception_message')))}"
            )
        count = (item.result or {}).get("unexpected_count")
        outcomes.append(
            _Outcome(
                expectation=config.type,
                kwargs=dict(config.kwargs),
                success=bool(item.success),
                gx_unexpected_count=None if count is None else int(count),
            )
        )
    return outcomes


def _quarantine(
    conn: psycopg.Connection[Any],
    spec: SuiteSpec,
    outcomes: list[_Outcome],
    run_id: str,
    epochs: list[int] | None,
) -> tuple[list[ExpectationFailure], int]:
    table = sql.Identifier(spec.schema_name, spec.table_name)
    scope = _bound_scope(spec, epochs)
    params = _scope_params(epochs)
    failures: list[ExpectationFailure] = []
    quarantined = 0
    with conn.transaction():
        ensure_table(conn, spec)
    with conn.transaction():
        clear_run(conn, spec, run_id, epochs)
        for outcome in outcomes:
            if outcome.success:
                continue
            columns = columns_of(outcome.kwargs)
            column = ",".join(columns) or None
            rows = failing_rows(outcome.expectation, outcome.kwargs, table, scope)
            copied = insert_failing(
                conn,
                spec,
                rows,
                params,
                expectation=outcome.expectation,
                column_name=column,
                run_id=run_id,
            )
            if copied == 0 or outcome.gx_unexpected_count not in (None, copied):
                log.warning(
                    "%s %s(%s): GX counted %s failing rows, the quarantine query found %d",
                    spec.table,
                    outcome.expectation,
                    column,
                    outcome.gx_unexpected_count,
                    copied,
                )
            quarantined += copied
            failures.append(
                ExpectationFailure(
                    expectation=outcome.expectation,
                    column=column,
                    unexpected_count=copied,
                    sample_keys=sample_keys(conn, spec, rows, params),
                )
            )
    failures.sort(key=lambda f: (f.column or "", f.expectation))
    return failures, quarantined
