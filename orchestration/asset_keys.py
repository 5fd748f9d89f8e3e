"""Asset keys mirror the warehouse's tables; a raw table's key is made here and nowhere else."""

import dagster as dg


def raw_asset_key(dataset: str, table: str) -> dg.AssetKey:
    """raw/solana/blocks for raw_solana.blocks: the dlt asset that loads it, the dbt source
    that reads it and the GX check that guards it all name it so."""
    return dg.AssetKey(["raw", dataset.removeprefix("raw_"), table])
