"""Exports and the epoch report: Dagster assets downstream of the marts they read."""

from datetime import date
from typing import Any

import dagster as dg

from orchestration.exports.marts import (
    DAY_MARTS,
    EPOCH_MARTS,
    SNAPSHOT_MARTS,
    export_day,
    export_epoch,
    shown,
)
from orchestration.exports.writer import FORMATS, MANIFESTS
from orchestration.partitions import epoch_partitions, market_days
from orchestration.report.build import REPORT_MARTS, write_report
from orchestration.resources import ExportsResource, WarehouseResource
from orchestration.warehouse import TRANSFORMER

GROUP = "exports"
EPOCH_EXPORT = dg.AssetKey(["exports", "epoch_marts"])
DAY_EXPORT = dg.AssetKey(["exports", "market_days"])
EPOCH_REPORT = dg.AssetKey(["exports", "epoch_report"])


def mart_keys(names: tuple[str, ...] | list[str]) -> list[dg.AssetKey]:
    return [dg.AssetKey(["marts", name]) for name in names]


class ExportConfig(dg.Config):
    """`format`: parquet (default) or csv."""

    format: str = "parquet"


def _summary(manifest: dict[str, Any], url: str) -> dict[str, Any]:
    rows = {t["table"]: t["rows"] for t in manifest["tables"]}
    return {
        "destination": shown(url),
        "manifest": f"{MANIFESTS}/{manifest['partition']}/manifest.json",
        "format": manifest["format"],
        "rows": dg.MetadataValue.json(rows),
        "code_version": manifest["code_version"],
    }


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise dg.Failure(f"export format {fmt!r} is not one of {', '.join(FORMATS)}")


@dg.asset(
    key=EPOCH_EXPORT,
    deps=mart_keys([*EPOCH_MARTS, *SNAPSHOT_MARTS]),
    partitions_def=epoch_partitions,
    group_name=GROUP,
    kinds={"parquet"},
    automation_condition=dg.AutomationCondition.eager(),
)
def epoch_marts_export(
    context: dg.AssetExecutionContext,
    config: ExportConfig,
    warehouse: WarehouseResource,
    exports: ExportsResource,
) -> dg.MaterializeResult:
    """Every mart's rows of the epoch as files under MEVHOUSE_EXPORT_URL, with a manifest."""
    _check_format(config.format)
    url = exports.url
    manifest = export_epoch(
        warehouse.url(TRANSFORMER), url, int(context.partition_key), config.format
    )
    return dg.MaterializeResult(metadata=_summary(manifest, url))


@dg.asset(
    key=DAY_EXPORT,
    deps=[
        dg.AssetDep(key, partition_mapping=dg.AllPartitionMapping())
        for key in mart_keys(list(DAY_MARTS))
    ],
    partitions_def=market_days,
    group_name=GROUP,
    kinds={"parquet"},
)
def market_days_export(
    context: dg.AssetExecutionContext,
    config: ExportConfig,
    warehouse: WarehouseResource,
    exports: ExportsResource,
) -> dg.MaterializeResult:
    """The market marts' rows of one UTC day as files under MEVHOUSE_EXPORT_URL."""
    _check_format(config.format)
    url = exports.url
    day = date.fromisoformat(context.partition_key)
    manifest = export_day(warehouse.url(TRANSFORMER), url, day, config.format)
    return dg.MaterializeResult(metadata=_summary(manifest, url))


@dg.asset(
    key=EPOCH_REPORT,
    deps=mart_keys(REPORT_MARTS),
    partitions_def=epoch_partitions,
    group_name=GROUP,
    kinds={"html"},
    automation_condition=dg.AutomationCondition.eager(),
)
def epoch_report(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, exports: ExportsResource
) -> dg.MaterializeResult:
    """A static HTML report of the epoch with charts, beside the exports."""
    url = exports.url
    path = write_report(warehouse.url(TRANSFORMER), url, int(context.partition_key))
    return dg.MaterializeResult(metadata={"report": shown(path)})


EXPORT_ASSETS = [epoch_marts_export, market_days_export, epoch_report]
