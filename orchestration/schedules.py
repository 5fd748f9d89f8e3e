"""Schedules and automation: the daily market export, and exports that follow their marts."""

import dagster as dg

from orchestration.assets.exports import GROUP
from orchestration.jobs import market_daily_job

# Each day at 01:00 UTC, yesterday's market export (the epoch sensor has built its marts).
market_daily_schedule = dg.build_schedule_from_partitioned_job(
    market_daily_job,
    name="market_daily_schedule",
    hour_of_day=1,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Exports the market marts of the previous UTC day.",
)

# Rebuilding a mart outside the epoch job (from the UI, say) refreshes its epoch's exports.
exports_automation_sensor = dg.AutomationConditionSensorDefinition(
    name="exports_automation_sensor",
    target=dg.AssetSelection.groups(GROUP),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Materialises the exports and report of an epoch whose marts were updated.",
)
