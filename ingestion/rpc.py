"""A Solana JSON-RPC client for bulk loading: rate-limited, concurrent, retrying, secret-safe.

Requests are solders request bodies sent through the `solana` package's async HTTP provider and
parsed with solders' typed response classes, so simnet and mainnet are spoken to identically.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx2
from solana.exceptions import SolanaRpcException
from solana.rpc.async_http_provider import AsyncHTTPProvider
from solders.errors import SerdeJSONError
from solders.rpc.responses import RPCError

from orchestration.settings import redact_text, redact_url

log = logging.getLogger(__name__)
T = TypeVar("T")

# JSON-RPC errors that clear up by themselves: block not available yet, node behind or unhealthy,
# slot status not yet available, epoch rewards still being paid.
RETRYABLE_RPC_CODES = {-32004, -32005, -32014, -32016, -32017}
SKIPPED_SLOT_CODES = {-32007, -32009}
RETRYABLE_HTTP = {408, 429, 500, 502, 503, 504}


class RpcError(RuntimeError):
    """A request failed for good; the message names the method and never holds the URL's secrets."""


class SlotSkipped(RpcError):
    """The slot was skipped or has no block: a fact to record, not a failure."""


class _Retryable(Exception):
    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait


def _retry_after(response: httpx2.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class SolanaRpc:
    """One endpoint; use `async with` and `await rpc.call(body, RespType, what=...)`."""

    def __init__(
        self,
        url: str,
        *,
        max_rps: float = 8.0,
        concurrency: int = 4,
        timeout: float = 30.0,
        max_retries: int = 6,
        backoff: float = 0.5,
    ) -> None:
        self.url = url
        self.safe_url = redact_url(url)
        self.max_retries = max_retries
        self.backoff = backoff
        self._gate = asyncio.Semaphore(concurrency)
        self._provider = AsyncHTTPProvider(
            url,
            timeout=timeout,
            rate_limit=max_rps,
            http2=False,
            max_transport_retries=0,
            max_connections=concurrency,
        )

    async def __aenter__(self) -> SolanaRpc:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._provider.close()

    async def call(self, body: Any, parser: type[T], *, what: str) -> T:
        """Send one request; retry transient failures with exponential backoff and jitter."""
        for attempt in range(self.max_retries + 1):
            try:
                async with self._gate:
                    return await self._once(body, parser, what)
            except _Retryable as err:
                if attempt == self.max_retries:
                    raise RpcError(
                        f"{what} failed after {attempt + 1} attempts at {self.safe_url}: {err}"
                    ) from None
                delay = err.wait if err.wait is not None else self.backoff * 2**attempt
                delay = delay * (1 + random.random() / 2)  # jitter spreads concurrent retries
                log.info("%s: %s; retrying in %.1fs", what, err, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _once(self, body: Any, parser: type[T], what: str) -> T:
        try:
            raw = await self._provider.make_request_unparsed(body)
        except SolanaRpcException as err:
            cause = err.__cause__
            if isinstance(cause, httpx2.HTTPStatusError):
                status = cause.response.status_code
                if status in RETRYABLE_HTTP:
                    raise _Retryable(f"HTTP {status}", _retry_after(cause.response)) from None
                raise RpcError(f"{what}: HTTP {status} from {self.safe_url}") from None
            if isinstance(cause, httpx2.ConnectError):
                raise RpcError(
                    f"cannot reach the Solana RPC at {self.safe_url} ({what}); "
                    "check SOLANA_RPC_URL, or unset it to use simnet"
                ) from None
            if isinstance(cause, httpx2.TransportError):
                raise _Retryable(type(cause).__name__) from None
            raise RpcError(redact_text(f"{what}: {err}", self.url)) from None
        try:
            parsed = parser.from_json(raw)  # type: ignore[attr-defined]
        except (ValueError, TypeError, SerdeJSONError) as err:
            raise _Retryable(f"invalid response body ({str(err)[:80]})") from None
        if isinstance(parsed, RPCError.__args__):  # type: ignore[attr-defined]
            # solders maps errors to per-code classes without the code: read it from the body.
            error = json.loads(raw).get("error", {})
            code, message = error.get("code"), error.get("message", "")
            if code in SKIPPED_SLOT_CODES:
                raise SlotSkipped(f"{what}: {message}")
            if code in RETRYABLE_RPC_CODES:
                raise _Retryable(f"RPC error {code}: {message}")
            raise RpcError(f"{what}: RPC error {code}: {message}")
        return parsed


def run_sync(make: Callable[[], Awaitable[T]]) -> T:
    """Run async client code from dlt's synchronous resources."""
    return asyncio.run(make())  # type: ignore[arg-type]
