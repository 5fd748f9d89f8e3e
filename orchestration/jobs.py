"""Jobs: one partitioned job that loads, checks, transforms and exports an epoch, its two halves,
and a daily one that exports the market marts' day."""

import dagster as dg

from orchestration.assets.exports import DAY_EXPORT
from orchestration.partitions import epoch_partitions, market_days

RAW = dg.AssetSelection.groups("raw")
DAY = dg.AssetSelection.assets(DAY_EXPORT)
# Runs carrying this tag transform, and the run queue starts them one at a time in the order they
# were submitted (deploy/dagster.yaml): a model's trailing windows read the earlier epochs' marts,
# so epochs must be transformed in order. Loads carry no such tag and run side by side.
IN_ORDER_TAG = {"mevhouse/transforms": "in-order"}

# A run (one pod under K8sRunLauncher) is the unit of parallelism: epochs run side by side, and
# a process per step would cost ~14 s each here (PITFALLS.md).
EXECUTOR = dg.in_process_executor

epoch_job = dg.define_asset_job(
    name="epoch_job",
    selection=dg.AssetSelection.all() - DAY,
    partitions_def=epoch_partitions,
    description="Load one closed epoch into raw, gate it, build the dbt models for it, and write "
    "its exports and report.",
    tags=IN_ORDER_TAG,
    executor_def=EXECUTOR,
)

epoch_load_job = dg.define_asset_job(
    name="epoch_load_job",
    selection=RAW,
    partitions_def=epoch_partitions,
    description="Load one closed epoch into raw and gate it; epochs load in parallel.",
    executor_def=EXECUTOR,
)

epoch_transform_job = dg.define_asset_job(
    name="epoch_transform_job",
    selection=dg.AssetSelection.all() - RAW - DAY,
    partitions_def=epoch_partitions,
    description="Build the dbt models, exports and report of one loaded epoch; submit epochs in "
    "ascending order.",
    tags=IN_ORDER_TAG,
    executor_def=EXECUTOR,
)

market_daily_job = dg.define_asset_job(
    name="market_daily_job",
    selection=DAY,
    partitions_def=market_days,
    description="Export the market marts' rows of one UTC day.",
)
