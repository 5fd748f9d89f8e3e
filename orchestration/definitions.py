"""The one Dagster code location: every asset, check, job and sensor of mevhouse."""

import dagster as dg
from dagster_dlt import DagsterDltResource

from orchestration.alerts import alert_on_run_failure
from orchestration.assets.dbt import dbt_models, dbt_resource
from orchestration.assets.exports import EXPORT_ASSETS
from orchestration.assets.raw_jito import raw_jito_assets
from orchestration.assets.raw_solana import raw_solana_assets
from orchestration.assets.raw_solana_blocks import raw_solana_blocks_assets
from orchestration.block_ranges import blocks_range_job
from orchestration.checks.raw_quality import raw_quality_checks
from orchestration.jobs import epoch_job, epoch_load_job, epoch_transform_job, market_daily_job
from orchestration.resources import build_resources
from orchestration.schedules import exports_automation_sensor, market_daily_schedule
from orchestration.sensors import closed_epochs_sensor
from orchestration.settings import load_settings


def build_definitions() -> dg.Definitions:
    """Every asset, check, job, sensor and resource of mevhouse."""
    return dg.Definitions(
        assets=[
            raw_solana_assets(),
            raw_solana_blocks_assets(),
            raw_jito_assets(),
            dbt_models(),
            *EXPORT_ASSETS,
        ],
        asset_checks=raw_quality_checks(),
        jobs=[epoch_job, epoch_load_job, epoch_transform_job, market_daily_job, blocks_range_job],
        schedules=[market_daily_schedule],
        sensors=[closed_epochs_sensor, exports_automation_sensor, alert_on_run_failure],
        resources={
            "dlt": DagsterDltResource(),
            "dbt": dbt_resource(),
            **build_resources(load_settings()),
        },
    )


# Built when Dagster loads the location, not at import: dbt may need a parse first.
defs = dg.definitions(build_definitions)
