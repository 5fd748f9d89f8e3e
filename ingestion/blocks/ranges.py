"""Slot-range sub-loads of one epoch: claims that keep them disjoint, and the epoch's coverage.

A heavy epoch can be loaded as several slot ranges at once, each through its own dlt pipeline
(its own cursor). Before a load fetches anything it claims its range in `_block_ranges`, under a
lock, so that two loads never hold overlapping slots: rows are appended, and an overlap would be
a duplicate. An epoch is loaded either whole or in ranges: the whole-epoch load of an epoch with
range claims loads nothing itself, and passes only when the ranges' saved cursors cover the epoch
(so the epoch's checks and dbt models run once all ranges are in).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dlt.common.versioned_state import decompress_state
from dlt.destinations.exceptions import DatabaseUndefinedRelation

from ingestion.blocks.sample import WINDOW
from ingestion.retry import NeedsOperator

CLAIMS_TABLE = "_block_ranges"
SOURCE_NAME = "solana_blocks"


class RangeError(NeedsOperator, ValueError):
    """Slot ranges that clash with the claims, or an epoch whose ranges do not cover it yet."""


@dataclass(frozen=True)
class Claim:
    pipeline: str
    slots: range


def parse_slot_range(text: str) -> range:
    """`A-B` (inclusive, whole leader windows: A and B+1 multiples of 4) as range(A, B + 1)."""
    first, sep, last = text.partition("-")
    if not (sep and first.strip().isdigit() and last.strip().isdigit()):
        raise ValueError(f"a slot range is FIRST-LAST, e.g. 1024-1535; got {text!r}")
    slots = range(int(first), int(last) + 1)
    if not slots or slots.start % WINDOW or slots.stop % WINDOW:
        raise ValueError(
            f"slot range {text} must hold whole {WINDOW}-slot leader windows: the first slot a "
            f"multiple of {WINDOW}, the last one less than a multiple of {WINDOW}"
        )
    return slots


def show(slots: range) -> str:
    return f"{slots.start}-{slots.stop - 1}"


def _overlap(a: range, b: range) -> bool:
    return a.start < b.stop and b.start < a.stop


def decide(claims: list[Claim], epoch: range, pipeline: str, wanted: range | None) -> str:
    """What a load of `wanted` slots (None: the whole epoch) by `pipeline` does.

    "load": claim the slots and load them. "gather": a whole-epoch load of an epoch loaded in
    ranges loads nothing and checks their coverage. An overlap with another claim: ValueError.
    """
    own = [c for c in claims if c.pipeline == pipeline]
    others = [c for c in claims if c.pipeline != pipeline]
    if wanted is None:
        return "gather" if others and not own else "load"
    if not (epoch.start <= wanted.start and wanted.stop <= epoch.stop):
        raise RangeError(f"slots {show(wanted)} are not within the epoch's slots {show(epoch)}")
    clash = [c for c in others if _overlap(c.slots, wanted)]
    if clash:
        held = ", ".join(f"{show(c.slots)} ({c.pipeline})" for c in clash)
        raise RangeError(
            f"slots {show(wanted)} overlap slots already claimed by another load: {held}; "
            "load disjoint ranges, or rerun exactly a claimed range to resume it"
        )
    return "load"


@dataclass(frozen=True)
class Coverage:
    epoch: int
    loaded: list[range]  # merged, in slot order
    missing: list[range]

    @property
    def complete(self) -> bool:
        return not self.missing

    def describe(self) -> str:
        def listed(ranges: list[range]) -> str:
            return ", ".join(map(show, ranges)) or "none"

        return f"epoch {self.epoch}: loaded {listed(self.loaded)}; missing {listed(self.missing)}"


def coverage(epoch_number: int, epoch: range, done: list[range]) -> Coverage:
    """Which slots of `epoch` the completed parts `done` cover, and which they do not."""
    merged: list[range] = []
    for part in sorted((p for p in done if p), key=lambda r: r.start):
        if merged and part.start <= merged[-1].stop:
            merged[-1] = range(merged[-1].start, max(merged[-1].stop, part.stop))
        else:
            merged.append(part)
    missing, at = [], epoch.start
    for part in merged:
        if part.start > at:
            missing.append(range(at, part.start))
        at = max(at, part.stop)
    if at < epoch.stop:
        missing.append(range(at, epoch.stop))
    return Coverage(epoch_number, merged, missing)


def claim(
    client: Any,
    epoch: int,
    slots: range,
    wanted: range | None,
    pipeline: str,
    whole_pipelines: list[str],
) -> str:
    """Record this load's claim (`wanted`, or all of the epoch's `slots`) unless it is a gather
    (see `decide`); return the decision.

    `client` is the pipeline's open sql_client. The lock serialises claims across processes.
    A whole-epoch pipeline with a saved cursor and no claim (a load from before claims existed)
    counts as a claim of the whole epoch.
    """
    table = client.make_qualified_table_name(CLAIMS_TABLE)
    # `warehouse init` creates the schema for the loader, which may not create schemas (even
    # `create schema if not exists` asks for that right): only a bare database lacks it.
    schema = client.fully_qualified_dataset_name()
    if client.execute_sql("select to_regnamespace(%s)", schema)[0][0] is None:
        client.execute_sql(f"create schema {schema}")
    try:
        unclaimed = [Claim(name, slots) for name in _saved_cursors(client, whole_pipelines, epoch)]
    except DatabaseUndefinedRelation:
        unclaimed = []  # nothing loaded yet
    with client.begin_transaction():
        client.execute_sql("select pg_advisory_xact_lock(hashtext('mevhouse.block_ranges'))")
        client.execute_sql(
            f"create table if not exists {table} (epoch bigint not null, first_slot bigint not "
            "null, last_slot bigint not null, pipeline_name text not null, "
            "primary key (epoch, first_slot))"
        )
        claims = _claims(client, table, epoch)
        claimed = {c.pipeline for c in claims}
        decision = decide(
            claims + [c for c in unclaimed if c.pipeline not in claimed], slots, pipeline, wanted
        )
        mine = Claim(pipeline, wanted or slots)
        if decision == "load" and mine not in claims:
            client.execute_sql(
                f"insert into {table} values (%s, %s, %s, %s)",
                epoch,
                mine.slots.start,
                mine.slots.stop - 1,
                pipeline,
            )
    return decision


def _claims(client: Any, table: str, epoch: int) -> list[Claim]:
    rows = client.execute_sql(
        f"select pipeline_name, first_slot, last_slot from {table} where epoch = %s", epoch
    )
    return [Claim(name, range(first, last + 1)) for name, first, last in rows or []]


def epoch_coverage(client: Any, epoch: int, slots: range) -> Coverage:
    """What the claimed loads of `epoch` have saved: each claim from its first slot up to its
    pipeline's cursor in the last completed load (rows past a cursor are not counted)."""
    try:
        claims = _claims(client, client.make_qualified_table_name(CLAIMS_TABLE), epoch)
        cursors = _saved_cursors(client, [c.pipeline for c in claims], epoch)
    except DatabaseUndefinedRelation:
        claims, cursors = [], {}
    done = [
        range(c.slots.start, min(c.slots.stop, cursors.get(c.pipeline, c.slots.start)))
        for c in claims
    ]
    return coverage(epoch, slots, done)


def _saved_cursors(client: Any, pipelines: list[str], epoch: int) -> dict[str, int]:
    state = client.make_qualified_table_name("_dlt_pipeline_state")
    loads = client.make_qualified_table_name("_dlt_loads")
    rows = client.execute_sql(
        f"select distinct on (s.pipeline_name) s.pipeline_name, s.state from {state} as s "
        f"join {loads} as l on l.load_id = s._dlt_load_id "
        "where l.status = 0 and s.pipeline_name = any(%s) "
        "order by s.pipeline_name, s._dlt_load_id desc",
        pipelines,
    )
    cursors = {}
    for name, packed in rows or []:
        sources = decompress_state(packed).get("sources", {})
        cursor = sources.get(SOURCE_NAME, {}).get("next_slot", {}).get(str(epoch))
        if cursor is not None:
            cursors[name] = int(cursor)
    return cursors
