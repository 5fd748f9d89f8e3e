"""dlt source `solana_blocks`: every slot of closed epochs into the block-level raw tables.

One hidden resource fetches pages of slots (whole leader windows), parses them into Arrow tables
and writes each as a CSV file; one transformer per table hands its file to dlt to import as is
(see files.py), so each block is fetched once whatever the number of tables, and memory holds
one page at a time whatever the epoch's size.

Write disposition: `append`. `merge` would stage and deduplicate every row, about half the speed
of a plain COPY; the bulk tables must load at 0.8x of it. Appending stays idempotent because of
how the cursor moves: `next_slot` per epoch lives in dlt state, which is saved in the warehouse
with the load, and read back only from loads that completed (dagster-dlt drops local state before
each run, and so does `load_blocks`). Rows at or past the saved cursor can only come from a load
that died part-way; they are deleted before that epoch is fetched again, so a rerun after a crash
adds each row exactly once, and a rerun after success fetches only slots not loaded yet.
A load of one slot range (`BlocksConfig.slots`) does the same within its range, through its own
pipeline; ranges.py keeps concurrent ranges disjoint.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dlt
from dlt.extract.source import DltSource

from ingestion.blocks.fetch import Batching, Page, fetch_page
from ingestion.blocks.files import CsvFile, write_page
from ingestion.blocks.partitions import prepare_sql
from ingestion.blocks.pipeline import PIPELINE_NAME
from ingestion.blocks.progress import Progress
from ingestion.blocks.ranges import RangeError, claim, epoch_coverage, show
from ingestion.blocks.sample import WINDOW
from ingestion.blocks.slots import epoch_slots, leaders
from ingestion.blocks.tables import TABLES, Table
from ingestion.solana import RpcConfig, cluster_position
from ingestion.solana.cluster import require_closed


@dataclass(frozen=True)
class BlocksConfig:
    """What to load per run: the transaction sample rate, page sizes and an optional slot cap."""

    sample_rate: float = 1.0
    # Slots per page, shrunk so that a page holds about `full_blocks_per_page` full blocks (a
    # mainnet block's transactions make ~10^4 rows): memory is bounded by these two numbers.
    # Each page costs a round of requests and its files for dlt: 40,000 slots of a
    # mainnet-profile epoch at a 1% sample loaded in ~45 s with pages of 1,000 slots, ~41 s
    # with 2,000 or 4,000, ~46 s with 10,000 (four pages: the last one's tail shows).
    page_slots: int = 2_000
    full_blocks_per_page: int = 100
    # At most this many slots per epoch and run (None: to the end of the epoch).
    max_slots: int | None = None
    # Only these slots of the (one) epoch: a sub-load beside others (ranges.py); None: all.
    slots: range | None = None
    batching: Batching = field(default_factory=Batching)

    def __post_init__(self) -> None:
        # Pages (and capped runs) end on window boundaries, so a window is never split.
        for name in ("page_slots", "max_slots"):
            value = getattr(self, name)
            if value is not None and (value <= 0 or value % WINDOW):
                raise ValueError(f"{name} must be a positive multiple of {WINDOW}, got {value}")
        if self.slots is not None and (
            not self.slots or self.slots.start % WINDOW or self.slots.stop % WINDOW
        ):
            raise ValueError(
                f"a slot range must hold whole {WINDOW}-slot windows, got {self.slots}"
            )
        if not 0.0 <= self.sample_rate <= 1.0:
            raise ValueError(f"the sample rate must be within 0..1, got {self.sample_rate}")

    @property
    def slots_per_page(self) -> int:
        if self.sample_rate == 0:
            return self.page_slots
        slots = self.full_blocks_per_page / self.sample_rate // WINDOW * WINDOW
        return int(min(self.page_slots, max(WINDOW, slots)))


@dlt.source(name="solana_blocks", max_table_nesting=0)
def solana_blocks(rpc: RpcConfig, epochs: list[int], config: BlocksConfig) -> Any:
    """Blocks, rewards, sampled windows and sampled transactions of the given closed epochs."""

    @dlt.resource(name="block_pages", selected=False)
    def pages() -> Iterator[dict[str, CsvFile]]:
        cursor: dict[str, int] = dlt.current.source_state().setdefault("next_slot", {})
        # Beside the load packages, so that dlt imports the files by hard link, not by copy.
        # dlt imports them after this generator has moved on: they stay until the next run.
        files = Path(dlt.current.pipeline().working_dir) / "block_pages"
        shutil.rmtree(files, ignore_errors=True)
        if config.slots is not None and len(epochs) != 1:
            raise ValueError("a slot range belongs to one epoch: load one epoch per range")
        loop = asyncio.new_event_loop()
        client = rpc.client()
        try:
            schedule, current = loop.run_until_complete(cluster_position(client))
            require_closed(epochs, current)
            todo = {}
            for e in epochs:
                whole = epoch_slots(schedule, e)
                if _claim(e, whole, config.slots) == "load":
                    todo[e] = _todo(config.slots or whole, cursor.get(str(e)), config)
            progress = Progress(
                f"blocks of epoch(s) {', '.join(map(str, epochs))}",
                sum(len(r) for r in todo.values()),
            )
            _prepare_partitions([e for e, slots in todo.items() if slots])
            for epoch, slots in todo.items():
                if not slots:
                    continue
                whole = epoch_slots(schedule, epoch)
                _delete_unsaved(epoch, slots.start, (config.slots or whole).stop)
                scheduled = loop.run_until_complete(leaders(client, whole))
                for first in range(slots.start, slots.stop, config.slots_per_page):
                    last = min(first + config.slots_per_page, slots.stop) - 1
                    page = Page(epoch, first, last, scheduled, whole.start, config.sample_rate)
                    rows = loop.run_until_complete(fetch_page(client, page, config.batching))
                    yield write_page(rows.arrow(), files, first)
                    cursor[str(epoch)] = last + 1
                    progress.advance(last - first + 1)
        finally:
            loop.run_until_complete(client.__aexit__())
            loop.close()

    return table_resources(pages)


def _todo(slots: range, next_slot: int | None, config: BlocksConfig) -> range:
    start = slots.start if next_slot is None else next_slot
    stop = slots.stop if config.max_slots is None else min(slots.stop, start + config.max_slots)
    return range(start, stop)


def _claim(epoch: int, whole: range, wanted: range | None) -> str:
    """Claim the slots this load will hold; a whole-epoch load of an epoch loaded in ranges
    loads nothing and fails unless the ranges' completed loads cover the epoch."""
    pipeline = dlt.current.pipeline()
    with pipeline.sql_client() as client:
        legacy = [PIPELINE_NAME, f"{PIPELINE_NAME}_{epoch}"]
        decision = claim(client, epoch, whole, wanted, pipeline.pipeline_name, legacy)
        if decision == "gather":
            covered = epoch_coverage(client, epoch, whole)
            if not covered.complete:
                first = covered.missing[0]
                raise RangeError(
                    f"epoch {epoch} is loaded in slot ranges and some are missing or unfinished "
                    f"({covered.describe()}): load them first, e.g. `mevhouse load --epoch "
                    f"{epoch} --slots {show(first)}`"
                )
    return decision


def table_resources(pages: Any) -> list[Any]:
    """One append-only transformer per table, each passing on its table of every page."""
    return [_table_resource(pages, table) for table in TABLES]


def _table_resource(pages: Any, table: Table) -> Any:
    @dlt.transformer(
        data_from=pages,
        name=table.name,
        primary_key=table.key,
        write_disposition="append",
        columns=table.dlt_columns(),
    )
    def rows(page: dict[str, CsvFile]) -> Iterator[Any]:
        file = page[table.name]
        yield dlt.mark.with_file_import(file.path, "csv", file.rows)

    return rows


def _prepare_partitions(epochs: list[int]) -> None:
    """The tables, partitioned by epoch, and the epochs' partitions (partitions.py)."""
    if epochs:
        with dlt.current.pipeline().sql_client() as client:
            client.execute_sql(prepare_sql(epochs))


def _delete_unsaved(epoch: int, from_slot: int, stop: int) -> None:
    """Remove rows of `epoch` from the saved cursor to the end of this load's slots: leftovers
    of a load that died (never another range's rows)."""
    pipeline = dlt.current.pipeline()
    with pipeline.sql_client() as client:
        for table in TABLES:
            column = "window_start" if table.name == "sampled_windows" else "slot"
            name = client.make_qualified_table_name(table.name)
            client.execute_sql(
                f"DELETE FROM {name} WHERE epoch = %s AND {column} >= %s AND {column} < %s",
                epoch,
                from_slot,
                stop,
            )


def make_source(rpc: RpcConfig, epochs: list[int], config: BlocksConfig | None = None) -> DltSource:
    """A fresh source per run (dagster-dlt cannot run the same source object twice)."""
    return solana_blocks(rpc, epochs, config or BlocksConfig())
