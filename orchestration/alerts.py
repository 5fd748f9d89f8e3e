"""Post each failed run to a webhook (MEVHOUSE_ALERT_WEBHOOK), with secrets redacted."""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

import dagster as dg

from orchestration.settings import redact_text

WEBHOOK_VARIABLE = "MEVHOUSE_ALERT_WEBHOOK"
# URLs whose credentials must not leave in an alert (the webhook's own URL is never sent).
SECRET_URL_VARIABLES = ("MEVHOUSE_WAREHOUSE_URL", "SOLANA_RPC_URL", "JITO_API_URL")


def failure_payload(context: dg.RunFailureSensorContext) -> dict[str, Any]:
    """What failed: job, run, partition and the failure message, redacted."""
    run = context.dagster_run
    message = context.failure_event.message or ""
    urls = [os.environ.get(name) for name in SECRET_URL_VARIABLES]
    return {
        "text": redact_text(f"mevhouse run failed: {run.job_name} {run.run_id}", *urls),
        "job": run.job_name,
        "run_id": run.run_id,
        "partition": run.tags.get("dagster/partition"),
        "message": redact_text(message, *urls),
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
