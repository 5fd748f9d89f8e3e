"""Raw Solana epoch data, loaded by dlt into `raw_solana`, one epoch partition at a time."""

import os
from collections.abc import Iterator
from functools import cache
from typing import Any

import dagster as dg
import dlt
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData

from ingestion.solana import RpcConfig, make_source
from orchestration.asset_keys import raw_asset_key
from orchestration.partitions import epoch_partitions
from orchestration.resources import LoadingResource, SolanaRpcResource, WarehouseResource
from orchestration.retries import retry_with_backoff
from orchestration.warehouse import LOADER, dlt_credentials

DATASET = "raw_solana"


class RawTranslator(DagsterDltTranslator):
    """Asset keys mirror the tables: raw/<dataset without raw_>/<table>, no invented upstreams."""

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        spec = super().get_asset_spec(data)
        dataset = data.pipeline.dataset_name if data.pipeline else DATASET
        return spec.replace_attributes(
            key=raw_asset_key(dataset, data.resource.name),
            deps=[],
            group_name="raw",
        )


def raw_pipeline(
    dataset: str, url: str | None = None, loading: LoadingResource | None = None
) -> dlt.Pipeline:
    """The dlt pipeline named after its dataset, working under `loading`'s pipelines_dir.

    Without a URL (at definition time) it only names the destination.
    """
    # gzip of the loader files doubles the load time of the leader schedule here (PITFALLS.md).
    os.environ.setdefault("DATA_WRITER__DISABLE_COMPRESSION", "true")
    if not (url and loading):
        return dlt.pipeline(pipeline_name=dataset, destination="postgres", dataset_name=dataset)
    return dlt.pipeline(
        pipeline_name=dataset,
        destination=dlt.destinations.postgres(credentials=dlt_credentials(url)),
        dataset_name=dataset,
        pipelines_dir=loading.pipelines_dir,
    )


@cache
def raw_solana_assets() -> dg.AssetsDefinition:
    """The dlt multi-asset, built on first use (never at import)."""

    @dlt_assets(
        dlt_source=make_source(RpcConfig(url="http://unused.invalid"), epochs=[]),
        dlt_pipeline=raw_pipeline(DATASET),
        name="raw_solana_epoch_data",
        dagster_dlt_translator=RawTranslator(),
        partitions_def=epoch_partitions,
        # One run at a time per dlt pipeline: its local state is not safe to share.
        pool="dlt_raw_solana",
    )
    def load(
        context: dg.AssetExecutionContext,
        dlt: DagsterDltResource,
        solana_rpc: SolanaRpcResource,
        warehouse: WarehouseResource,
        loading: LoadingResource,
    ) -> Iterator[Any]:
        """Load the epoch-level tables of one closed epoch, and snapshots of the cluster."""
        epoch = int(context.partition_key)
        source = make_source(solana_rpc.config(), epochs=[epoch])
        pipe = raw_pipeline(DATASET, warehouse.url(LOADER), loading)
        with retry_with_backoff(context):
            yield from dlt.run(context=context, dlt_source=source, dlt_pipeline=pipe)

    return load
