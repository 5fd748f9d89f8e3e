"""Jobs: one partitioned job that loads, checks and transforms an epoch."""

import dagster as dg

from orchestration.partitions import epoch_partitions

epoch_job = dg.define_asset_job(
    name="epoch_job",
    selection=dg.AssetSelection.all(),
    partitions_def=epoch_partitions,
    description="Load one closed epoch into raw, gate it, and build the dbt models for it.",
)
