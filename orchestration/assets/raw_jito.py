"""Raw Jito (kobe API) data, loaded by dlt into `raw_jito`, one epoch partition at a time."""

from collections.abc import Iterator
from functools import cache
from typing import Any

import dagster as dg
from dagster_dlt import DagsterDltResource, dlt_assets

from ingestion.jito import JitoConfig, make_source
from orchestration.assets.raw_solana import RawTranslator, raw_pipeline
from orchestration.partitions import epoch_partitions
from orchestration.resources import JitoApiResource, LoadingResource, WarehouseResource
from orchestration.retries import retry_with_backoff
from orchestration.warehouse import LOADER

DATASET = "raw_jito"


@cache
def raw_jito_assets() -> dg.AssetsDefinition:
    """The dlt multi-asset, built on first use (never at import)."""

    @dlt_assets(
        dlt_source=make_source(JitoConfig(url="http://unused.invalid"), epochs=[]),
        dlt_pipeline=raw_pipeline(DATASET),
        name="raw_jito",
        dagster_dlt_translator=RawTranslator(),
        partitions_def=epoch_partitions,
        # One run at a time per dlt pipeline: its local state is not safe to share.
        pool="dlt_raw_jito",
    )
    def load(
        context: dg.AssetExecutionContext,
        dlt: DagsterDltResource,
        jito_api: JitoApiResource,
        warehouse: WarehouseResource,
        loading: LoadingResource,
    ) -> Iterator[Any]:
        """Load kobe's validators and network MEV rewards of one closed epoch."""
        source = make_source(jito_api.config(), epochs=[int(context.partition_key)])
        pipe = raw_pipeline(DATASET, warehouse.url(LOADER), loading)
        with retry_with_backoff(context):
            yield from dlt.run(context=context, dlt_source=source, dlt_pipeline=pipe)

    return load
