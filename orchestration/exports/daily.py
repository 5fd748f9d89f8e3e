"""After `mevhouse run`: the market marts' day exports for the days its epochs traded."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import redirect_stdout
from typing import Any, TextIO

import dagster as dg

from orchestration.exports.marts import days_of_epochs, shown
from orchestration.partitions import market_days
from orchestration.report.build import report_path
from orchestration.settings import Settings


def export_market_days(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    warehouse_url: str,
    epochs: list[int],
    run_config: dict[str, Any],
    log: TextIO,
) -> list[str]:
    """Run the daily market job for each complete UTC day the epochs traded; failed days."""
    if not epochs:
        return []
    job = defs.resolve_job_def("market_daily_job")
    complete = set(market_days.get_partition_keys())
    failed = []
    for day in days_of_epochs(warehouse_url, epochs):
        key = day.isoformat()
        if key not in complete:
            continue  # today: the daily schedule exports it once the day is over
        with redirect_stdout(log):
            result = job.execute_in_process(
                partition_key=key, instance=instance, raise_on_error=False, run_config=run_config
            )
        if not result.success:
            failed.append(key)
    return failed


def where_to_look(settings: Settings, epochs: list[int], echo: Callable[[str], None]) -> None:
    if not epochs:
        return
    url = settings.export_url
    echo(f"exports: {shown(url)} (manifests/<partition>/manifest.json lists every file)")
    for epoch in epochs:
        echo(f"report:  {shown(url.rstrip('/'))}/{report_path(epoch)}")
