"""Great Expectations suites as blocking asset checks on the raw tables that dlt loads."""

import dagster as dg

from expectations.registry import SUITES
from expectations.runner import run_suite
from orchestration.asset_keys import raw_asset_key
from orchestration.partitions import epoch_partitions
from orchestration.resources import WarehouseResource
from orchestration.warehouse import LOADER

# Every table with a suite in the registry gets its check: adding a suite adds the gate.
GUARDED_TABLES = tuple(SUITES)


def gx_check(table: str) -> dg.AssetChecksDefinition:
    """A blocking check that validates one epoch of `table` and quarantines failing rows."""

    @dg.asset_check(
        asset=raw_asset_key(*table.split(".")),
        name="great_expectations",
        blocking=True,
        partitions_def=epoch_partitions,
        description=f"Great Expectations suite for {table}; failing rows go to quarantine.",
    )
    def check(
        context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource
    ) -> dg.AssetCheckResult:
        result = run_suite(
            warehouse.url(LOADER),
            table,
            epochs=[int(context.partition_key)],
            run_id=context.run.run_id,
        )
        failures = {
            f"{f.expectation}({f.column or ''})": f.unexpected_count for f in result.failures
        }
        return dg.AssetCheckResult(
            passed=result.success,
            severity=dg.AssetCheckSeverity.ERROR,
            description=result.summary(),
            metadata={
                "table": table,
                "expectations": result.evaluated,
                "rows_checked": result.rows_checked,
                "quarantined_rows": result.quarantined_rows,
                "failures": dg.MetadataValue.json(failures),
            },
        )

    return check


def raw_quality_checks() -> list[dg.AssetChecksDefinition]:
    return [gx_check(table) for table in GUARDED_TABLES]
