"""Retrying HTTP calls, shared by the Solana RPC and Jito API clients.

Transient failures (429, 5xx, timeouts, invalid bodies) are retried a bounded number of times with
exponential backoff and jitter, honouring Retry-After; then one clear error names the call.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx2

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRYABLE_HTTP = {408, 429, 500, 502, 503, 504}


class Retryable(Exception):
    """A transient failure worth another attempt; `wait` is the server's Retry-After, if any."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait


def retry_after(response: httpx2.Response) -> float | None:
    """Seconds the server asked us to wait (Retry-After in seconds), or None."""
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


async def with_retries(
    attempt: Callable[[], Awaitable[T]],
    *,
    what: str,
    where: str,
    max_retries: int,
    backoff: float,
    error: type[Exception],
) -> T:
    """Await `attempt()` until it stops raising Retryable, at most `max_retries` times more.

    `where` is the redacted endpoint; the final failure is raised as `error`, naming `what`.
    """
    for number in range(max_retries + 1):
        try:
            return await attempt()
        except Retryable as err:
            if number == max_retries:
                message = f"{what} failed after {number + 1} attempts at {where}: {err}"
                raise error(message) from None
            delay = err.wait if err.wait is not None else backoff * 2**number
            delay = delay * (1 + random.random() / 2)  # jitter spreads concurrent retries
            log.info("%s: %s; retrying in %.1fs", what, err, delay)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")
