"""Block- and transaction-level ingestion: every slot of closed epochs into `raw_solana`."""

from ingestion.blocks.fetch import Batching
from ingestion.blocks.pipeline import (
    DATASET,
    PIPELINE_NAME,
    analyze_tables,
    blocks_pipeline,
    load_blocks,
    rows_loaded,
)
from ingestion.blocks.source import BlocksConfig, make_source, solana_blocks
from ingestion.blocks.tables import TABLES

__all__ = [
    "DATASET",
    "PIPELINE_NAME",
    "TABLES",
    "Batching",
    "BlocksConfig",
    "analyze_tables",
    "blocks_pipeline",
    "load_blocks",
    "make_source",
    "rows_loaded",
    "solana_blocks",
]
