"""Retrying HTTP calls, shared by the Solana RPC and Jito API clients.

Transient failures (429, 5xx, timeouts, invalid bodies) are retried a bounded number of times with
exponential backoff and jitter, honouring Retry-After up to a cap and within a deadline per
request; then one clear error names the call. Long waits are announced on the progress logger.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx2

log = logging.getLogger(__name__)
progress = logging.getLogger("mevhouse.progress")
T = TypeVar("T")
# Waits at least this long are worth a line on the terminal.
ANNOUNCE_WAIT = 5.0


@dataclass(frozen=True)
class WaitLimits:
    """How long one request may wait: per Retry-After, and in total with every retry."""

    max_wait: float = 60.0
    deadline: float = 600.0


DEFAULT_WAITS = WaitLimits()


RETRYABLE_HTTP = {408, 429, 500, 502, 503, 504}


class Retryable(Exception):
    """A transient failure worth another attempt; `wait` is the server's Retry-After, if any."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait


class NeedsOperator(Exception):
    """A load that cannot succeed until someone acts (load a missing range, pick another one):
    retrying it later, as the source assets do for outages, would only delay the error."""


def needs_operator(err: BaseException | None) -> bool:
    """Whether `err`, or an error it was raised from (dlt wraps what a source raises), says so."""
    while err is not None:
        if isinstance(err, NeedsOperator):
            return True
        err = err.__cause__ or err.__context__
    return False


def retry_after(response: httpx2.Response) -> float | None:
    """Seconds the server asked us to wait (Retry-After in seconds), or None."""
    value = response.headers.get("retry-after")
    try:
        seconds = float(value) if value is not None else math.nan
    except ValueError:
        return None
    # `inf` is kept (the cap applies later); `nan` and negatives mean nothing.
    return seconds if seconds >= 0 else None


async def with_retries(
    attempt: Callable[[], Awaitable[T]],
    *,
    what: str,
    where: str,
    max_retries: int,
    backoff: float,
    error: type[Exception],
    limits: WaitLimits = DEFAULT_WAITS,
) -> T:
    """Await `attempt()` until it stops raising Retryable, at most `max_retries` times more.

    `where` is the redacted endpoint; the final failure is raised as `error`, naming `what`.
    """
    started = time.monotonic()
    for number in range(max_retries + 1):
        left = limits.deadline - (time.monotonic() - started)
        try:
            return await asyncio.wait_for(attempt(), timeout=max(left, 0.001))
        except TimeoutError:
            raise error(
                f"{what} at {where} took longer than its {limits.deadline:.0f}s deadline "
                "(MEVHOUSE_REQUEST_DEADLINE)"
            ) from None
        except Retryable as err:
            if number == max_retries:
                message = f"{what} failed after {number + 1} attempts at {where}: {err}"
                raise error(message) from None
            asked = err.wait
            delay = asked if asked is not None else backoff * 2**number
            delay = min(delay * (1 + random.random() / 2), limits.max_wait)  # jitter, then cap
            if delay > limits.deadline - (time.monotonic() - started):
                raise error(
                    f"{what} failed at {where}: {err}; waiting {delay:.0f}s more would pass its "
                    f"{limits.deadline:.0f}s deadline (MEVHOUSE_REQUEST_DEADLINE)"
                ) from None
            capped = (
                f" (the server asked for {asked:.0f}s; MEVHOUSE_RETRY_AFTER_MAX caps it)"
                if asked is not None and asked > limits.max_wait
                else ""
            )
            (progress if delay >= ANNOUNCE_WAIT or capped else log).info(
                "waiting %.1fs: %s answered %s%s; retry %d of %d",
                delay,
                what,
                err,
                capped,
                number + 1,
                max_retries,
            )
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")
