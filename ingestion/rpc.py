"""A Solana JSON-RPC client for bulk loading: rate-limited, concurrent, retrying, secret-safe.

Requests are solders request bodies sent through the `solana` package's async HTTP provider.
`call` parses responses with solders' typed response classes; `batch` sends many requests as one
JSON-RPC batch and returns plain JSON (orjson), for bulk methods whose typed parse is too slow.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar

import httpx2
import orjson
from solana.exceptions import SolanaRpcException
from solana.rpc.async_http_provider import AsyncHTTPProvider
from solders.errors import SerdeJSONError
from solders.rpc.responses import RPCError

from ingestion.retry import DEFAULT_WAITS, RETRYABLE_HTTP, WaitLimits, with_retries
from ingestion.retry import Retryable as _Retryable
from ingestion.retry import retry_after as _retry_after
from ingestion.urls import redact_text, redact_url

log = logging.getLogger(__name__)
T = TypeVar("T")

# JSON-RPC errors that clear up by themselves: block not available yet, node behind or unhealthy,
# slot status not yet available, epoch rewards still being paid.
RETRYABLE_RPC_CODES = {-32004, -32005, -32014, -32016, -32017}
SKIPPED_SLOT_CODES = {-32007, -32009}


class RpcError(RuntimeError):
    """A request failed for good; the message names the method and never holds the URL's secrets."""


class SlotSkipped(RpcError):
    """The slot was skipped or has no block: a fact to record, not a failure."""


class RateLimiter:
    """At most `max_rps` requests arrive at the server in any one-second window.

    Each request holds one of `max_rps` tokens from before it is sent until a second after its
    answer came back, so even requests delayed on the way cannot bunch up at the server.
    (aiolimiter's leaky bucket lets a full bucket through on top of the steady rate: up to twice
    the limit within one second.)
    """

    def __init__(self, max_rps: float) -> None:
        capacity = max(1, int(max_rps))
        # Below one request a second, one token held for 1/max_rps seconds.
        self.window = capacity / max_rps if max_rps < 1 else 1.0
        self._tokens = asyncio.Semaphore(capacity)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        await self._tokens.acquire()
        try:
            yield
        finally:
            asyncio.get_running_loop().call_later(self.window, self._tokens.release)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while decoding bulk JSON.

    Decoding a 2 MB block creates ~10^5 objects, and the collections they trigger cost more than
    the decoding (26 ms vs 6 ms a block here); JSON holds no cycles, refcounting frees it all.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Body:
    """A prepared JSON text with the `to_json` the solana provider expects of a request body."""

    def __init__(self, text: str) -> None:
        self.text = text

    def to_json(self) -> str:
        return self.text


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
        limits: WaitLimits = DEFAULT_WAITS,
    ) -> None:
        self.url = url
        self.safe_url = redact_url(url)
        self.max_retries = max_retries
        self.backoff = backoff
        self.limits = limits
        self._gate = asyncio.Semaphore(concurrency)
        self._limiter = RateLimiter(max_rps)
        self._provider = AsyncHTTPProvider(
            url,
            timeout=timeout,
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

        async def attempt() -> T:
            return self._parse(await self._post(body, what), parser, what)

        return await self._retrying(attempt, what)

    async def batch(self, bodies: Sequence[Any], *, whats: Sequence[str]) -> list[Any]:
        """Send requests as one JSON-RPC batch; return each result as plain JSON, in order.

        A skipped slot's item is a `SlotSkipped` (a value, not raised). Items that fail with a
        transient JSON-RPC error (e.g. -32004, block not available yet) are sent again, alone,
        after a backoff; `whats` name each item (method and slot) in the error when they give up.
        """
        results: list[Any] = [None] * len(bodies)
        pending = list(range(len(bodies)))
        what = whats[0] if len(bodies) == 1 else f"{whats[0]} and {len(bodies) - 1} more"
        for attempt in range(self.max_retries + 1):
            # Answers may come in any order: each request's id is its place in this batch.
            ids = {index: number for number, index in enumerate(pending)}
            text = orjson.dumps(
                [{**orjson.loads(bodies[i].to_json()), "id": ids[i]} for i in pending]
            ).decode()

            async def post(text: str = text, count: int = len(pending)) -> list[dict[str, Any]]:
                return _batch_answers(await self._post(_Body(text), what), count)

            answers = await self._retrying(post, what)
            retry: list[int] = []
            for index in pending:
                answer = answers[ids[index]]
                if "error" not in answer:
                    results[index] = answer.get("result")
                    continue
                code, message = _code_and_message(answer["error"])
                if code in SKIPPED_SLOT_CODES:
                    results[index] = SlotSkipped(f"{whats[index]}: {message}")
                elif code in RETRYABLE_RPC_CODES and attempt < self.max_retries:
                    retry.append(index)
                else:
                    raise RpcError(f"{whats[index]}: RPC error {code}: {message}")
            if not retry:
                return results
            pending = retry
            delay = self.backoff * 2**attempt * (1 + random.random() / 2)
            log.info("%s not available yet; retrying in %.1fs", whats[retry[0]], delay)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _retrying(self, attempt: Callable[[], Awaitable[T]], what: str) -> T:
        return await with_retries(
            attempt,
            what=what,
            where=self.safe_url,
            max_retries=self.max_retries,
            backoff=self.backoff,
            error=RpcError,
            limits=self.limits,
        )

    async def _post(self, body: Any, what: str) -> str:
        """One HTTP request within the concurrency and rate limits; HTTP failures mapped."""
        try:
            async with self._gate, self._limiter.slot():
                return await self._provider.make_request_unparsed(body)
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

    def _parse(self, raw: str, parser: type[T], what: str) -> T:
        try:
            parsed = parser.from_json(raw)  # type: ignore[attr-defined]
        except (ValueError, TypeError, SerdeJSONError) as err:
            raise _Retryable(f"invalid response body ({str(err)[:80]})") from None
        if isinstance(parsed, RPCError.__args__):  # type: ignore[attr-defined]
            # solders maps errors to per-code classes without the code: read it from the body.
            code, message = _code_and_message(json.loads(raw).get("error", {}))
            if code in SKIPPED_SLOT_CODES:
                raise SlotSkipped(f"{what}: {message}")
            if code in RETRYABLE_RPC_CODES:
                raise _Retryable(f"RPC error {code}: {message}")
            raise RpcError(f"{what}: RPC error {code}: {message}")
        return parsed


def _code_and_message(error: Any) -> tuple[Any, str]:
    if not isinstance(error, dict):
        return None, str(error)
    return error.get("code"), str(error.get("message", ""))


def _batch_answers(raw: str, count: int) -> list[dict[str, Any]]:
    """Answers indexed by request id; a body that is not a complete batch answer is retried."""
    try:
        with paused_gc():
            answers = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise _Retryable(f"invalid response body ({str(err)[:80]})") from None
    if isinstance(answers, dict) and "error" in answers:
        code, message = _code_and_message(answers["error"])
        raise _Retryable(f"batch refused: RPC error {code}: {message}")
    items = answers if isinstance(answers, list) else []
    by_id = {a["id"]: a for a in items if isinstance(a, dict) and isinstance(a.get("id"), int)}
    if sorted(by_id) != list(range(count)):
        raise _Retryable(f"invalid response body (a batch of {count} answered {len(by_id)})")
    return [by_id[number] for number in range(count)]


def run_sync(make: Callable[[], Awaitable[T]]) -> T:
    """Run async client code from dlt's synchronous resources."""
    return asyncio.run(make())  # type: ignore[arg-type]
