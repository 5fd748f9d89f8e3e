"""`mevhouse eval dex`: the decoded swap legs and trades against simnet's truth, per shape.

A leg (marts.fct_dex_swaps) matches a true one with the same (signature, outer_index,
inner_index) and every decoded field equal: venue, program, pool, trader, mints and raw amounts;
a venue outside the warehouse's registry (staging.dex_programs) can only be 'unknown'. A trade
(marts.fct_dex_trades) matches with the same signature, trader, mints, amounts and is_arbitrage.
Each is filed under its transaction's shape: an ordinary kind (swap, route, arbitrage, ...) or a
planted hard shape (simnet/dex/shapes.py); a decoded one simnet planted nothing at is
'unplanted'. The truth counts only where the warehouse holds the leader window's blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import psycopg

from simnet.dex.tokens import BY_MINT
from simnet.dex.truth import MAX_TRUTH_SLOTS
from simnet.eval_mev import (
    SLOTS_PER_WINDOW,
    EvalError,
    _connect,
    _loaded_windows,
    _mart_epochs,
    _relation_exists,
    fetch_truth,
)

UNPLANTED = "unplanted"


@dataclass(frozen=True)
class ShapeScore:
    """Decoded legs (or trades) of one shape against the truth's."""

    shape: str
    truth: int
    decoded: int
    matched: int

    @property
    def precision(self) -> float | None:
        return self.matched / self.decoded if self.decoded else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.truth if self.truth else None


@dataclass
class DexEvaluation:
    """Leg and trade scores per shape over the evaluated epochs."""

    epochs: list[int]
    legs: list[ShapeScore]
    trades: list[ShapeScore]
    notes: list[str] = field(default_factory=list)

    def score(self, what: str, shape: str) -> ShapeScore:
        """Return the legs' or trades' score of one shape."""
        for score in self.legs if what == "legs" else self.trades:
            if score.shape == shape:
                return score
        raise KeyError((what, shape))

    def rows(self) -> list[tuple[str, ShapeScore]]:
        return [("legs", s) for s in self.legs] + [("trades", s) for s in self.trades]

    def render(self) -> str:
        """Return the table as text."""
        lines = [
            f"DEX decoding vs simnet truth, epochs {', '.join(map(str, self.epochs))}",
            f"{'':<8}{'shape':<22}{'truth':>7}{'decoded':>9}{'matched':>9}"
            f"{'precision':>11}{'recall':>8}",
        ]
        for what, s in self.rows():
            lines.append(
                f"{what:<8}{s.shape:<22}{s.truth:>7}{s.decoded:>9}{s.matched:>9}"
                f"{_pct(s.precision):>11}{_pct(s.recall):>8}"
            )
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)

    def markdown(self) -> str:
        """Return the table as markdown."""
        lines = [
            "| | shape | truth | decoded | matched | precision | recall |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {what} | {s.shape} | {s.truth} | {s.decoded} | {s.matched} "
            f"| {_pct(s.precision)} | {_pct(s.recall)} |"
            for what, s in self.rows()
        ]
        lines += ["", *[f"- {note}" for note in self.notes]]
        return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def score_shapes(
    truth: dict[Any, Any], found: dict[Any, Any], shape_of: dict[Any, str]
) -> list[ShapeScore]:
    """Per shape: true items, found items and those equal to the truth (key and value); a found
    item the truth lacks is filed under its transaction's shape, else UNPLANTED."""
    matched = set(truth.items()) & set(found.items())
    counts: dict[str, list[int]] = {}
    for key in truth:
        counts.setdefault(shape_of[key], [0, 0, 0])[0] += 1
    for key in found:
        counts.setdefault(shape_of.get(key, UNPLANTED), [0, 0, 0])[1] += 1
    for key, _ in matched:
        counts[shape_of[key]][2] += 1
    return [ShapeScore(shape, *counts[shape]) for shape in sorted(counts)]


# Truth ------------------------------------------------------------------------------------------


def _truth(simnet_url: str, epoch: int, windows: set[int]) -> tuple[list[Any], list[Any]]:
    """The epoch's true legs and trades in the loaded leader windows."""
    slots = sorted(windows)
    legs: list[Any] = []
    trades: list[Any] = []
    if not slots:
        return legs, trades
    first, last = slots[0], slots[-1] + SLOTS_PER_WINDOW - 1
    for lo in range(first, last + 1, MAX_TRUTH_SLOTS):
        hi = min(lo + MAX_TRUTH_SLOTS - 1, last)
        body = fetch_truth(simnet_url, epoch, "swaps", first_slot=lo, last_slot=hi)
        loaded = {
            s["signature"]
            for s in body["swaps"]
            if s["slot"] - s["slot"] % SLOTS_PER_WINDOW in windows
        }
        legs += [s for s in body["swaps"] if s["signature"] in loaded]
        trades += [t for t in body["trades"] if t["signature"] in loaded]
    return legs, trades


def _trade_value(trade: dict[str, Any]) -> tuple[Any, ...]:
    # The mart's amounts are in tokens, the truth's raw.
    return (
        trade["trader"],
        trade["mint_in"],
        Decimal(trade["amount_in"]) / BY_MINT[trade["mint_in"]].unit,
        trade["mint_out"],
        Decimal(trade["amount_out"]) / BY_MINT[trade["mint_out"]].unit,
        trade["is_arbitrage"],
    )


# Evaluation -------------------------------------------------------------------------------------


def evaluate(
    warehouse_url: str, simnet_url: str, epochs: Sequence[int] | None = None
) -> DexEvaluation:
    """Compare fct_dex_swaps and fct_dex_trades with simnet's truth for the epochs (default:
    every epoch whose transactions the warehouse holds)."""
    with _connect(warehouse_url) as conn:
        if not _relation_exists(conn, "marts.fct_dex_trades"):
            raise EvalError(
                "the warehouse has no marts.fct_dex_trades: run `mevhouse run` (or dbt build) first"
            )
        chosen = sorted(epochs) if epochs else _mart_epochs(conn)
        if not chosen:
            raise EvalError("the warehouse holds no loaded transactions: nothing to evaluate")
        registry = {row[0] for row in conn.execute("select program_id from staging.dex_programs")}
        windows = {epoch: _loaded_windows(conn, [epoch]) for epoch in chosen}
        leg_rows = _query(
            conn,
            "select signature, outer_index, inner_index, dex, program_id, pool, trader, mint_in,"
            " mint_out, amount_in_raw, amount_out_raw from marts.fct_dex_swaps"
            " where epoch = any(%s)",
            chosen,
        )
        trade_rows = _query(
            conn,
            "select signature, trader, mint_in, amount_in, mint_out, amount_out, is_arbitrage"
            " from marts.fct_dex_trades where epoch = any(%s)",
            chosen,
        )
    true_legs: dict[Any, Any] = {}
    true_trades: dict[Any, Any] = {}
    shape_of: dict[Any, str] = {}
    for epoch in chosen:
        legs, trades = _truth(simnet_url, epoch, windows[epoch])
        for s in legs:
            key = (s["signature"], s["outer_index"], s["inner_index"])
            dex = s["dex"] if s["program"] in registry else "unknown"
            true_legs[key] = (dex, s["program"], s["pool"], s["trader"], s["mint_in"])
            true_legs[key] += (s["mint_out"], s["amount_in"], s["amount_out"])
            shape_of[key] = shape_of[s["signature"]] = s["shape"]
        for t in trades:
            true_trades[t["signature"]] = _trade_value(t)
            shape_of[t["signature"]] = t["shape"]
    found_legs = {tuple(row[:3]): (*row[3:9], int(row[9]), int(row[10])) for row in leg_rows}
    found_trades = {row[0]: tuple(row[1:]) for row in trade_rows}
    # A decoded leg of a transaction simnet planted is filed under that transaction's shape.
    for key in found_legs:
        if key not in shape_of and key[0] in shape_of:
            shape_of[key] = shape_of[key[0]]
    notes = []
    if not true_legs and found_legs:
        notes.append(
            "simnet planted no swap in the loaded leader windows: is this the cluster (profile, "
            "seed, simnet URL) the warehouse was loaded from?"
        )
    return DexEvaluation(
        chosen,
        score_shapes(true_legs, found_legs, shape_of),
        score_shapes(true_trades, found_trades, shape_of),
        notes,
    )


def _query(conn: psycopg.Connection[Any], sql: str, epochs: list[int]) -> list[tuple[Any, ...]]:
    return conn.execute(sql, (epochs,)).fetchall()
