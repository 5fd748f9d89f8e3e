"""Retries with backoff for the source assets: an RPC or API outage outlasts the client's own
request retries, so the whole load step is tried again, later each time."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from ingestion.retry import needs_operator

SOURCE_RETRIES = 3
FIRST_WAIT_SECONDS = 15.0


def backoff_seconds(retry_number: int) -> float:
    """15 s, 30 s, 60 s, each ±25 % so that partitions failing together do not retry together."""
    return FIRST_WAIT_SECONDS * 2**retry_number * random.uniform(0.75, 1.25)


@contextmanager
def retry_with_backoff(context: dg.AssetExecutionContext) -> Iterator[None]:
    """Turn a failed load into a retry of its step, up to SOURCE_RETRIES times.

    A `dg.Failure` is a configuration problem (no URL, a subset selection) and a NeedsOperator
    error waits for an operator (a missing slot range): retrying cannot help either.
    """
    try:
        yield
    except dg.Failure:
        raise
    except Exception as err:
        attempt = context.retry_number
        if attempt >= SOURCE_RETRIES or needs_operator(err):
            raise
        wait = backoff_seconds(attempt)
        context.log.warning(
            f"load failed ({type(err).__name__}); retry {attempt + 1} in {wait:.0f}s"
        )
        raise dg.RetryRequested(max_retries=SOURCE_RETRIES, seconds_to_wait=wait) from err
