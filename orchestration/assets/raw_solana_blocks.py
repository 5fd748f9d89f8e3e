"""Raw Solana blocks and sampled transactions, loaded by dlt into `raw_solana` per epoch."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import dagster as dg
from dagster_dlt import DagsterDltResource, dlt_assets

from ingestion.blocks import (
    BlocksConfig,
    analyze_tables,
    blocks_pipeline,
    make_source,
    rows_loaded,
)
from ingestion.blocks.progress import log as progress_log
from ingestion.solana import RpcConfig
from orchestration.assets.raw_solana import RawTranslator
from orchestration.partitions import epoch_partitions
from orchestration.resources import LoadingResource, SolanaRpcResource, WarehouseResource
from orchestration.retries import retry_with_backoff
from orchestration.warehouse import LOADER, dlt_credentials


class _ToDagsterLog(logging.Handler):
    def __init__(self, context: dg.AssetExecutionContext) -> None:
        super().__init__(logging.INFO)
        self.context = context

    def emit(self, record: logging.LogRecord) -> None:
        self.context.log.info(record.getMessage())


@contextmanager
def _progress_to(context: dg.AssetExecutionContext) -> Iterator[None]:
    """Show the loader's progress lines in the run's log, as the CLI shows them."""
    handler = _ToDagsterLog(context)
    progress_log.addHandler(handler)
    if progress_log.getEffectiveLevel() > logging.INFO:
        progress_log.setLevel(logging.INFO)
    try:
        yield
    finally:
        progress_log.removeHandler(handler)


@cache
def raw_solana_blocks_assets() -> dg.AssetsDefinition:
    """The dlt multi-asset, built on first use (never at import)."""

    @dlt_assets(
        dlt_source=make_source(RpcConfig(url="http://unused.invalid"), epochs=[]),
        dlt_pipeline=blocks_pipeline(),
        name="raw_solana_blocks",
        dagster_dlt_translator=RawTranslator(),
        partitions_def=epoch_partitions,
        # No pool: each epoch loads through its own dlt pipeline, so epochs load in parallel;
        # the run queue allows one run per epoch at a time (deploy/dagster.yaml).
    )
    def load(
        context: dg.AssetExecutionContext,
        dlt: DagsterDltResource,
        solana_rpc: SolanaRpcResource,
        warehouse: WarehouseResource,
        loading: LoadingResource,
    ) -> Iterator[Any]:
        """Load every slot of one closed epoch, with the transactions of the sampled windows."""
        if context.is_subset:
            # One cursor covers all the tables: loading some of them would skip the others' rows.
            raise dg.Failure(
                "raw_solana_blocks loads its tables together; materialise all of them at once"
            )
        source = make_source(
            solana_rpc.config(),
            epochs=[int(context.partition_key)],
            config=BlocksConfig(sample_rate=loading.tx_sample),
        )
        pipe = blocks_pipeline(
            dlt_credentials(warehouse.url(LOADER)),
            pipelines_dir=loading.pipelines_dir,
            epoch=int(context.partition_key),
        )
        with _progress_to(context), retry_with_backoff(context):
            for event in dlt.run(context=context, dlt_source=source, dlt_pipeline=pipe):
                # dagster-dlt counts rows at normalize, which imported files pass uncounted.
                assert isinstance(event, dg.MaterializeResult) and event.asset_key is not None
                rows = dg.MetadataValue.int(rows_loaded(pipe)[event.asset_key.path[-1]])
                yield event._replace(metadata={**(event.metadata or {}), "rows_loaded": rows})
        analyze_tables(pipe, [int(context.partition_key)])

    return load
