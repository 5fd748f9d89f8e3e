"""Post each failed run to a webhook (MEVHOUSE_ALERT_WEBHOOK), with secrets redacted."""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

import dagster as dg

from ingestion.urls import redact_text

WEBHOOK_VARIABLE = "MEVHOUSE_ALERT_WEBHOOK"
# URLs whose credentials must not leave in an alert (the webhook's own URL is never sent).
SECRET_URL_VARIABLES = ("MEVHOUSE_WAREHOUSE_URL", "SOLANA_RPC_URL", "JITO_API_URL")


def step_errors(context: dg.RunFailureSensorContext) -> list[str]:
    """`<step>: <error>` for each failed step of the run (the run's own message names none)."""
    records = context.instance.get_records_for_run(
        context.dagster_run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE
    ).records
    errors = []
    for record in records:
        event = record.event_log_entry.dagster_event
        error = getattr(event.event_specific_data, "error", None) if event else None
        while error is not None and error.cause is not None:
            error = error.cause  # Dagster wraps the op's own exception: report that one
        if event and error:
            errors.append(f"{event.step_key}: {error.message.strip()}")
    return errors


def failure_payload(context: dg.RunFailureSensorContext) -> dict[str, Any]:
    """What failed: job, run, partition, the run's message and its steps' errors, redacted."""
    run = context.dagster_run
    urls = [os.environ.get(name) for name in SECRET_URL_VARIABLES]
    return {
        "text": f"mevhouse run failed: {run.job_name} {run.run_id}",
        "job": run.job_name,
        "run_id": run.run_id,
        "partition": run.tags.get("dagster/partition"),
        "message": redact_text(context.failure_event.message or "", *urls),
        "step_errors": [redact_text(e, *urls) for e in step_errors(context)],
    }


def post_json(url: str, payload: dict[str, Any], timeout: float = 10.0) -> int:
    request = urllib.request.Request(
        url, json.dumps(payload).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return int(response.status)


@dg.run_failure_sensor(
    name="alert_on_run_failure",
    monitor_all_code_locations=True,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Posts each failed run to MEVHOUSE_ALERT_WEBHOOK (does nothing when unset).",
)
def alert_on_run_failure(context: dg.RunFailureSensorContext) -> None:
    webhook = os.environ.get(WEBHOOK_VARIABLE)
    if not webhook:
        return
    try:
        post_json(webhook, failure_payload(context))
    except OSError as err:
        # The webhook URL is a secret (it carries the token): name the variable, not the URL.
        context.log.warning(f"{WEBHOOK_VARIABLE} did not accept the alert: {type(err).__name__}")
