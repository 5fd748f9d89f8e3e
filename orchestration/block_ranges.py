"""Slot-range sub-loads of one heavy epoch: the job that loads a range, and the epoch's coverage.

Several `blocks_range_job` runs (or `mevhouse load --slots`) load disjoint ranges of one epoch at
once; `epoch_load_job` (or `epoch_job`) for the epoch then loads no blocks itself, checks that the
ranges cover the epoch, and runs the epoch-level loads and every check. docs/deploy.md shows how.
"""

import dagster as dg

from ingestion.blocks import BlocksConfig, blocks_pipeline, load_blocks, make_source, rows_loaded
from ingestion.blocks.ranges import Coverage, epoch_coverage, parse_slot_range
from ingestion.blocks.slots import epoch_slots
from ingestion.solana import RpcConfig, closed_epochs
from orchestration.resources import LoadingResource, SolanaRpcResource, WarehouseResource
from orchestration.warehouse import LOADER, dlt_credentials


def load_range(
    rpc: RpcConfig, loader_url: str, loading: LoadingResource, epoch: int, slots: range
) -> dict[str, int]:
    """Load `slots` of `epoch` through the range's own pipeline; rows loaded per table."""
    pipe = blocks_pipeline(
        dlt_credentials(loader_url), loading.pipelines_dir, epoch=epoch, slots=slots
    )
    config = BlocksConfig(sample_rate=loading.tx_sample, slots=slots)
    load_blocks(pipe, make_source(rpc, [epoch], config), [epoch])
    return rows_loaded(pipe)


def coverage_of(rpc: RpcConfig, loader_url: str, epoch: int) -> Coverage:
    """Which slots of `epoch` the completed block loads (whole or in ranges) hold."""
    schedule, _ = closed_epochs(rpc)
    pipe = blocks_pipeline(dlt_credentials(loader_url))
    with pipe.sql_client() as client:
        return epoch_coverage(client, epoch, epoch_slots(schedule, epoch))


class BlockRangeConfig(dg.Config):
    epoch: int
    slots: str  # FIRST-LAST, inclusive, whole 4-slot leader windows


@dg.op(description="Load one slot range of a closed epoch's blocks and transactions into raw.")
def load_block_range(
    context: dg.OpExecutionContext,
    config: BlockRangeConfig,
    solana_rpc: SolanaRpcResource,
    warehouse: WarehouseResource,
    loading: LoadingResource,
) -> None:
    slots = parse_slot_range(config.slots)
    url = warehouse.url(LOADER)
    rows = load_range(solana_rpc.config(), url, loading, config.epoch, slots)
    context.log.info(f"epoch {config.epoch} slots {config.slots}: rows loaded {rows}")
    context.log.info(coverage_of(solana_rpc.config(), url, config.epoch).describe())


@dg.job(
    description="Load one slot range of a heavy epoch; run several side by side, then "
    "epoch_load_job for the epoch checks their coverage and gates it.",
    executor_def=dg.in_process_executor,
)
def blocks_range_job() -> None:
    load_block_range()
