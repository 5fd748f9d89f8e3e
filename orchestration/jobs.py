"""Jobs: one partitioned job that loads, checks, transforms and exports an epoch; a daily one
that exports the market marts' day."""

import dagster as dg

from orchestration.assets.exports import DAY_EXPORT
from orchestration.partitions import epoch_partitions, market_days

epoch_job = dg.define_asset_job(
    name="epoch_job",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets(DAY_EXPORT),
    partitions_def=epoch_partitions,
    description="Load one closed epoch into raw, gate it, build the dbt models for it, and write "
    "its exports and report.",
)

market_daily_job = dg.define_asset_job(
    name="market_daily_job",
    selection=dg.AssetSelection.assets(DAY_EXPORT),
    partitions_def=market_days,
    description="Export the market marts' rows of one UTC day.",
)
