"""SQL that selects the rows a GX expectation finds unexpected, for quarantine and samples.

GX reports how many rows fail; which rows they are comes from the same condition written in
SQL here, with identifiers quoted by psycopg and values bound as parameters. Each builder
mirrors the condition GX's SQLAlchemy engine uses, including how it ignores missing values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from psycopg import sql

# Arguments that change which rows fail; anything else GX accepts here is rejected below so
# that a suite can never quarantine different rows from those GX counted.
_IGNORED_KWARGS = {
    "result_format",
    "catch_exceptions",
    "meta",
    "notes",
    "description",
    "id",
    "batch_id",
}
_DEFAULT_KWARGS: dict[str, Any] = {
    "mostly": 1,
    "row_condition": None,
    "condition_parser": None,
    "ignore_row_if": None,
}
_DEFAULT_IGNORE_ROW_IF = {"both_values_are_missing", "all_values_are_missing"}


# The value each "between" expectation bounds: the column's, or its length (GX's `length()`).
_BETWEEN: dict[str, Callable[[sql.Composable], sql.Composable]] = {
    "expect_column_values_to_be_between": lambda col: col,
    "expect_column_value_lengths_to_be_between": lambda col: sql.SQL("length({})").format(col),
}


class UnsupportedExpectationError(ValueError):
    """An expectation whose failing rows this module cannot select exactly."""


@dataclass(frozen=True)
class FailingRows:
    """A query yielding one column `r`, the whole failing row as the table's row type."""

    query: sql.Composed
    params: dict[str, Any]


def columns_of(kwargs: Mapping[str, Any]) -> list[str]:
    """Return the columns an expectation looks at, in the order it names them."""
    if "column" in kwargs:
        return [kwargs["column"]]
    if "column_A" in kwargs:
        return [kwargs["column_A"], kwargs["column_B"]]
    return list(kwargs.get("column_list", []))


def _col(name: str) -> sql.Composable:
    return sql.SQL("t.{}").format(sql.Identifier(name))


def _simple(condition: sql.Composable) -> Callable[[sql.Composable, sql.Composable], sql.Composed]:
    def build(table: sql.Composable, scope: sql.Composable) -> sql.Composed:
        return sql.SQL("select t as r from {} as t where ({}) and ({})").format(
            table, scope, condition
        )

    return build


def _duplicates(columns: list[str]) -> Callable[[sql.Composable, sql.Composable], sql.Composed]:
    # Every row of a duplicated key fails, as in GX. GX matches keys with `=` on PostgreSQL,
    # so a key with a null in any column never counts as a duplicate; not-null expectations
    # catch those rows instead.
    cols = sql.SQL(", ").join(_col(c) for c in columns)
    present = sql.SQL(" and ").join(sql.SQL("{} is not null").format(_col(c)) for c in columns)

    def build(table: sql.Composable, scope: sql.Composable) -> sql.Composed:
        return sql.SQL(
            "select d.r from (select t as r, count(*) over (partition by {cols}) as n"
            " from {table} as t where ({scope}) and {present}) as d where d.n > 1"
        ).format(cols=cols, table=table, scope=scope, present=present)

    return build


def _check_kwargs(expectation_type: str, kwargs: Mapping[str, Any], known: set[str]) -> None:
    for key, value in kwargs.items():
        if key in known or key in _IGNORED_KWARGS:
            continue
        default = _DEFAULT_KWARGS.get(key, object())
        if value == default or (key == "ignore_row_if" and value in _DEFAULT_IGNORE_ROW_IF):
            continue
        raise UnsupportedExpectationError(
            f"{expectation_type} with {key}={value!r} is not supported by the quarantine"
        )


def failing_rows(
    expectation_type: str,
    kwargs: Mapping[str, Any],
    table: sql.Composable,
    scope: sql.Composable,
) -> FailingRows:
    """Build the query for rows of `table` (aliased `t`) within `scope` that fail.

    `scope` is a condition on `t` that may use the `%(epochs)s` placeholder; the returned
    params hold the expectation's own values, to be merged with the scope's.
    """
    params: dict[str, Any] = {}
    if expectation_type == "expect_column_values_to_not_be_null":
        _check_kwargs(expectation_type, kwargs, {"column"})
        build = _simple(sql.SQL("{} is null").format(_col(kwargs["column"])))
    elif expectation_type == "expect_column_values_to_be_unique":
        _check_kwargs(expectation_type, kwargs, {"column"})
        build = _duplicates([kwargs["column"]])
    elif expectation_type == "expect_compound_columns_to_be_unique":
        _check_kwargs(expectation_type, kwargs, {"column_list"})
        build = _duplicates(list(kwargs["column_list"]))
    elif expectation_type in _BETWEEN:
        known = {"column", "min_value", "max_value", "strict_min", "strict_max"}
        _check_kwargs(expectation_type, kwargs, known)
        col = _col(kwargs["column"])
        value = _BETWEEN[expectation_type](col)
        bounds: list[sql.Composable] = []
        if kwargs.get("min_value") is not None:
            op = ">" if kwargs.get("strict_min") else ">="
            bounds.append(sql.SQL("{} {} %(min_value)s").format(value, sql.SQL(op)))
            params["min_value"] = kwargs["min_value"]
        if kwargs.get("max_value") is not None:
            op = "<" if kwargs.get("strict_max") else "<="
            bounds.append(sql.SQL("{} {} %(max_value)s").format(value, sql.SQL(op)))
            params["max_value"] = kwargs["max_value"]
        if not bounds:
            raise UnsupportedExpectationError(f"{expectation_type} needs min_value or max_value")
        build = _simple(
            sql.SQL("{} is not null and not ({})").format(col, sql.SQL(" and ").join(bounds))
        )
    elif expectation_type == "expect_column_values_to_match_regex":
        _check_kwargs(expectation_type, kwargs, {"column", "regex"})
        col = _col(kwargs["column"])
        build = _simple(sql.SQL("{} is not null and not ({} ~ %(regex)s)").format(col, col))
        params["regex"] = kwargs["regex"]
    elif expectation_type == "expect_column_pair_values_a_to_be_greater_than_b":
        _check_kwargs(expectation_type, kwargs, {"column_A", "column_B", "or_equal"})
        op = "<" if kwargs.get("or_equal") else "<="
        # A null on either side makes the comparison null: GX counts such a row as neither
        # expected nor unexpected, and so does this.
        build = _simple(
            sql.SQL("{} {} {}").format(
                _col(kwargs["column_A"]), sql.SQL(op), _col(kwargs["column_B"])
            )
        )
    else:
        raise UnsupportedExpectationError(
            f"{expectation_type} is not supported by the quarantine; add a builder for it"
        )
    return FailingRows(query=build(table, scope), params=params)
