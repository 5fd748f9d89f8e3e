"""The run-failure sensor posts a failed run to MEVHOUSE_ALERT_WEBHOOK, with secrets redacted."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import dagster as dg
import pytest

from orchestration.alerts import alert_on_run_failure

API_KEY = "key-Alert5Nq2Wd8"
RPC_URL = f"https://rpc.example.invalid/?api-key={API_KEY}"


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A local HTTP server on 127.0.0.1 that keeps the JSON bodies posted to it."""
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook", received
    finally:
        server.shutdown()


@dg.op
def fetch_epoch() -> None:
    raise RuntimeError(f"could not reach {RPC_URL}")


@dg.job
def failing_job() -> None:
    fetch_epoch()


def failure_context(instance: dg.DagsterInstance) -> dg.RunFailureSensorContext:
    result = failing_job.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    return dg.build_run_status_sensor_context(
        sensor_name=alert_on_run_failure.name,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event(),
    ).for_run_failure()


def test_a_failed_run_is_posted_without_secrets(webhook, monkeypatch):
    url, received = webhook
    monkeypatch.setenv("MEVHOUSE_ALERT_WEBHOOK", url)
    monkeypatch.setenv("SOLANA_RPC_URL", RPC_URL)
    with dg.DagsterInstance.ephemeral() as instance:
        context = failure_context(instance)
        alert_on_run_failure(context)
    [alert] = received
    assert alert["job"] == "failing_job" and alert["run_id"] == context.dagster_run.run_id
    [error] = alert["step_errors"]
    assert error.startswith("fetch_epoch: RuntimeError: could not reach https://rpc.example")
    assert API_KEY not in json.dumps(alert)


def test_nothing_is_posted_without_a_webhook(webhook, monkeypatch):
    _, received = webhook
    monkeypatch.delenv("MEVHOUSE_ALERT_WEBHOOK", raising=False)
    with dg.DagsterInstance.ephemeral() as instance:
        alert_on_run_failure(failure_context(instance))
    assert received == []
