"""Source loads are retried with growing waits; configuration failures are not retried."""

import dagster as dg
import pytest

from ingestion.blocks.ranges import RangeError
from orchestration import retries
from orchestration.retries import SOURCE_RETRIES, backoff_seconds, retry_with_backoff


def flaky_asset(failures: int, error: Exception) -> tuple[dg.AssetsDefinition, list[int]]:
    attempts: list[int] = []

    @dg.asset
    def source(context: dg.AssetExecutionContext) -> None:
        with retry_with_backoff(context):
            attempts.append(context.retry_number)
            if len(attempts) <= failures:
                raise error

    return source, attempts


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(retries, "FIRST_WAIT_SECONDS", 0.01)


def test_a_transient_failure_is_retried_until_the_load_succeeds():
    asset, attempts = flaky_asset(2, ConnectionError("RPC unreachable"))
    assert dg.materialize([asset]).success
    assert attempts == [0, 1, 2]


def test_the_load_fails_after_the_last_retry():
    asset, attempts = flaky_asset(99, ConnectionError("RPC unreachable"))
    assert not dg.materialize([asset], raise_on_error=False).success
    assert attempts == list(range(SOURCE_RETRIES + 1))


def test_a_configuration_failure_is_not_retried():
    asset, attempts = flaky_asset(99, dg.Failure("SOLANA_RPC_URL is not set"))
    assert not dg.materialize([asset], raise_on_error=False).success
    assert attempts == [0]


def test_an_error_that_waits_for_an_operator_is_not_retried_even_when_wrapped():
    # As dlt wraps what a source raises: the step fails at once with the operator's hint.
    try:
        raise RangeError("epoch 1 ... missing 640-1023: load them first")
    except RangeError as cause:
        wrapped = RuntimeError("Pipeline execution failed at stage extract")
        wrapped.__cause__ = cause
    asset, attempts = flaky_asset(99, wrapped)
    result = dg.materialize([asset], raise_on_error=False)
    assert not result.success
    assert attempts == [0]


def test_waits_double_with_jitter(monkeypatch):
    monkeypatch.setattr(retries, "FIRST_WAIT_SECONDS", 15.0)
    for attempt, base in enumerate((15, 30, 60)):
        assert 0.75 * base <= backoff_seconds(attempt) <= 1.25 * base
