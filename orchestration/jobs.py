"""Jobs: one partitioned job that loads, checks and transforms an epoch, and its two halves."""

import dagster as dg

from orchestration.partitions import epoch_partitions

RAW = dg.AssetSelection.groups("raw")
# Runs carrying this tag transform, and the run queue starts them one at a time in the order they
# were submitted (deploy/dagster.yaml): a model's trailing windows read the earlier epochs' marts,
# so epochs must be transformed in order. Loads carry no such tag and run side by side.
IN_ORDER_TAG = {"mevhouse/transforms": "in-order"}

# A run (one pod under K8sRunLauncher) is the unit of parallelism: epochs run side by side, and
# a process per step would cost ~14 s each here (PITFALLS.md).
EXECUTOR = dg.in_process_executor

epoch_job = dg.define_asset_job(
    name="epoch_job",
    selection=dg.AssetSelection.all(),
    partitions_def=epoch_partitions,
    description="Load one closed epoch into raw, gate it, and build the dbt models for it.",
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
    selection=dg.AssetSelection.all() - RAW,
    partitions_def=epoch_partitions,
    description="Build the dbt models of one loaded epoch; submit epochs in ascending order.",
    tags=IN_ORDER_TAG,
    executor_def=EXECUTOR,
)
