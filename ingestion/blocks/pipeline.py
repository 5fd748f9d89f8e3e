"""The dlt pipeline that loads `solana_blocks` into the `raw_solana` dataset."""

from __future__ import annotations

import os
from collections.abc import Iterable

import dlt
from dlt.common.pipeline import LoadInfo
from dlt.extract.source import DltSource
from dlt.pipeline.exceptions import PipelineStepFailed

from ingestion.blocks.partitions import analyze_sql
from ingestion.blocks.tables import TABLES

PIPELINE_NAME = "raw_solana_blocks"
DATASET = "raw_solana"


def blocks_pipeline(
    credentials: str | None = None,
    pipelines_dir: str | None = None,
    epoch: int | None = None,
    slots: range | None = None,
) -> dlt.Pipeline:
    """The pipeline; without credentials (at definition time) it only names the destination.

    With an epoch, the pipeline is that epoch's own (`raw_solana_blocks_<epoch>`): its state
    (the slot cursor) and working files are then not shared with loads of other epochs running
    at the same time, which would overwrite each other's cursor and delete each other's files.
    A slot range of the epoch has its own too (`raw_solana_blocks_<epoch>_<first>_<last>`).
    """
    name = PIPELINE_NAME if epoch is None else f"{PIPELINE_NAME}_{epoch}"
    if slots is not None:
        name = f"{name}_{slots.start}_{slots.stop - 1}"
    # gzip of the loader files is the largest single cost of a bulk load here (PITFALLS.md).
    os.environ.setdefault("DATA_WRITER__DISABLE_COMPRESSION", "true")
    destination = dlt.destinations.postgres(credentials=credentials) if credentials else "postgres"
    return dlt.pipeline(
        pipeline_name=name,
        destination=destination,
        dataset_name=DATASET,
        pipelines_dir=pipelines_dir,  # type: ignore[arg-type]  # None: dlt's default
    )


def load_blocks(pipeline: dlt.Pipeline, source: DltSource, epochs: Iterable[int]) -> LoadInfo:
    """Run as dagster-dlt does: forget local state, so the cursor comes from the warehouse.
    `epochs` are the source's: their partitions are analyzed after the load.

    A refusal of the source (a ValueError: an overlapping slot range, an open epoch) is raised
    as itself, not inside dlt's step failure."""
    pipeline.drop()
    try:
        info = pipeline.run(source)
    except PipelineStepFailed as failed:
        cause: BaseException | None = failed
        while cause is not None and not isinstance(cause, ValueError):
            cause = cause.__cause__ or cause.__context__
        if cause is None:
            raise
        raise cause from None
    info.raise_on_failed_jobs()
    analyze_tables(pipeline, epochs)
    return info


def analyze_tables(pipeline: dlt.Pipeline, epochs: Iterable[int]) -> None:
    """Refresh the planner's statistics of the epochs' partitions after a load.

    dbt builds the models right after the load, before autovacuum gets to these tables: without
    statistics the planner takes a freshly loaded epoch for a few rows and builds fct_dex_swaps
    with nested loops over the instructions (minutes instead of seconds). Only the epochs'
    partitions: the others have not changed.
    """
    with pipeline.sql_client() as client:
        client.execute_sql(analyze_sql(epochs))


def rows_loaded(pipeline: dlt.Pipeline) -> dict[str, int]:
    """Rows per block-level table in the pipeline's last run.

    Counted at extract: dlt's normalize step passes imported files through uncounted (0 rows).
    """
    counts = dict.fromkeys((t.name for t in TABLES), 0)
    trace = pipeline.last_trace
    info = trace.last_extract_info if trace else None
    for per_load in (info.metrics if info else {}).values():
        for metrics in per_load:
            for table, written in metrics["table_metrics"].items():
                if table in counts:
                    counts[table] += written.items_count
    return counts
