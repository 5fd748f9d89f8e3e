"""What an export holds: every mart per epoch, the market marts per UTC day."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pyarrow as pa

from ingestion.urls import redact_url
from orchestration.exports.tables import MartSlice, read_slice
from orchestration.exports.writer import write_partition

# Marts with an `epoch` column export that epoch's rows; dim_validators (one row per validator,
# as of the latest loaded epoch) is exported whole with each epoch, as the dimension it was then.
EPOCH_MARTS = (
    "cluster_epochs",
    "fct_validator_epochs",
    "validator_scores",
    "delegation_recommendations",
    "fct_blocks",
    "fct_jito_tips",
    "fct_dex_swaps",
    "fct_dex_trades",
    "fct_mev_events",
    "searcher_epochs",
    "validator_mev_epochs",
)
SNAPSHOT_MARTS = ("dim_validators",)
# Market marts are hourly or daily (timestamptz) and straddle epochs: exported per UTC day.
DAY_MARTS = {"market_pool_hourly": "hour", "market_pair_daily": "day", "market_dex_daily": "day"}


def shown(url: str) -> str:
    """An export location fit to print: remote URLs redacted, local paths as they are."""
    return redact_url(url) if urlsplit(url).netloc else url


def epoch_partition(epoch: int) -> str:
    return f"epoch={epoch}"


def day_partition(day: date) -> str:
    return f"day={day.isoformat()}"


def epoch_tables(conn: psycopg.Connection[Any], epoch: int) -> dict[str, pa.Table]:
    tables = {m: read_slice(conn, MartSlice(m, "epoch"), epoch) for m in EPOCH_MARTS}
    tables.update({m: read_slice(conn, MartSlice(m, None), None) for m in SNAPSHOT_MARTS})
    return tables


def day_tables(conn: psycopg.Connection[Any], day: date) -> dict[str, pa.Table]:
    """Each market mart's rows of one UTC day (hourly marts by the day of their hour)."""
    return {
        mart: read_slice(conn, MartSlice(mart, column, utc_day=True), day)
        for mart, column in DAY_MARTS.items()
    }


def export_epoch(warehouse_url: str, url: str, epoch: int, fmt: str = "parquet") -> dict[str, Any]:
    """Write every epoch mart's rows of `epoch` under `url`; returns the manifest."""
    with psycopg.connect(warehouse_url) as conn:
        tables = epoch_tables(conn, epoch)
    return write_partition(url, epoch_partition(epoch), tables, fmt)


def export_day(warehouse_url: str, url: str, day: date, fmt: str = "parquet") -> dict[str, Any]:
    """Write the market marts' rows of one UTC day under `url`; returns the manifest."""
    with psycopg.connect(warehouse_url) as conn:
        tables = day_tables(conn, day)
    return write_partition(url, day_partition(day), tables, fmt)


def days_of_epochs(warehouse_url: str, epochs: list[int]) -> list[date]:
    """The UTC days on which the epochs have DEX swaps: the day partitions they touch."""
    with psycopg.connect(warehouse_url) as conn:
        rows = conn.execute(
            "select distinct (hour at time zone 'UTC')::date from marts.fct_dex_swaps "
            "where epoch = any(%s) order by 1",
            (epochs,),
        ).fetchall()
    return [r[0] for r in rows]
