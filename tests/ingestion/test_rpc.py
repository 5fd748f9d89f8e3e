"""The RPC client against a real local HTTP server that misbehaves on purpose."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from solders.rpc.requests import GetBlock, GetSlot
from solders.rpc.responses import GetSlotResp

from ingestion.retry import WaitLimits
from ingestion.rpc import RpcError, SlotSkipped, SolanaRpc, run_sync

OK = json.dumps({"jsonrpc": "2.0", "result": 1234, "id": 0})


class Script:
    """Responses to give in order: (status, headers, body); the last one repeats.

    A body may be a function of the request's JSON, for answers that depend on it (batches).
    """

    def __init__(self, *steps: tuple[int, dict[str, str], Any]) -> None:
        self.steps = list(steps)
        self.times: list[float] = []
        self.requests: list[Any] = []

    def next(self, request: Any) -> tuple[int, dict[str, str], str]:
        self.times.append(time.monotonic())
        self.requests.append(request)
        status, headers, body = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        return status, headers, body(request) if callable(body) else body


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script((200, {}, OK))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            status, headers, body = script.next(request)
            data = body.encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/?api-key=SECRETSECRET", script
    httpd.shutdown()
    httpd.server_close()


def get_slot(url: str, **kwargs: Any) -> int:
    async def go() -> int:
        async with SolanaRpc(url, backoff=0.01, **kwargs) as rpc:  # type: ignore[arg-type]
            return (await rpc.call(GetSlot(), GetSlotResp, what="getSlot")).value

    return run_sync(go)


def test_retries_429_honouring_retry_after_then_succeeds(server):
    url, script = server
    script.steps[:] = [(429, {"Retry-After": "0.3"}, "slow down"), (200, {}, OK)]
    assert get_slot(url) == 1234
    assert script.times[1] - script.times[0] >= 0.3


@pytest.mark.parametrize("asked", ["86400", "inf", "1e308"])
def test_retry_after_is_capped_and_the_wait_is_announced(server, caplog, asked):
    url, script = server
    script.steps[:] = [(429, {"Retry-After": asked}, "slow down"), (200, {}, OK)]
    caplog.set_level(logging.INFO, logger="mevhouse.progress")
    started = time.monotonic()
    assert get_slot(url, limits=WaitLimits(max_wait=0.2, deadline=30)) == 1234
    assert time.monotonic() - started < 5
    [line] = [r.getMessage() for r in caplog.records if r.name == "mevhouse.progress"] or [""]
    assert re.search(r"waiting 0\.[0-9]s: getSlot answered HTTP 429", line)
    assert "MEVHOUSE_RETRY_AFTER_MAX caps it" in line and "SECRETSECRET" not in line


def test_nan_retry_after_falls_back_to_backoff(server):
    url, script = server
    script.steps[:] = [(429, {"Retry-After": "nan"}, "slow down"), (200, {}, OK)]
    assert get_slot(url) == 1234


def test_a_request_gives_up_at_its_deadline_with_one_clear_line(server):
    url, script = server
    script.steps[:] = [(503, {"Retry-After": "1"}, "busy")]
    started = time.monotonic()
    with pytest.raises(RpcError, match="getSlot failed.*HTTP 503.*deadline") as err:
        get_slot(url, max_retries=50, limits=WaitLimits(max_wait=1, deadline=1.5))
    assert time.monotonic() - started < 3
    assert "SECRETSECRET" not in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    "bad",
    [
        (503, {}, "busy"),
        (502, {}, "bad gateway"),
        (200, {}, OK[:15]),  # truncated body
        (200, {}, "<html>not json</html>"),
        (
            200,
            {},
            json.dumps(
                {
                    "jsonrpc": "2.0",
                    "error": {"code": -32004, "message": "Block not available"},
                    "id": 0,
                }
            ),
        ),
    ],
)
def test_transient_failures_are_retried(server, bad):
    url, script = server
    script.steps[:] = [bad, bad, (200, {}, OK)]
    assert get_slot(url) == 1234


def test_gives_up_with_a_clear_error_naming_the_method_without_secrets(server):
    url, script = server
    script.steps[:] = [(500, {}, "down")]
    with pytest.raises(RpcError) as err:
        get_slot(url, max_retries=2)
    assert "getSlot failed after 3 attempts" in str(err.value)
    assert "SECRETSECRET" not in str(err.value)


def test_skipped_slot_is_a_fact_not_a_retry(server):
    url, script = server
    body = {"jsonrpc": "2.0", "error": {"code": -32007, "message": "Slot 5 was skipped"}, "id": 0}
    script.steps[:] = [(200, {}, json.dumps(body))]
    with pytest.raises(SlotSkipped):
        get_slot(url)
    assert len(script.times) == 1


def test_unreachable_endpoint_says_what_to_fix():
    with pytest.raises(RpcError, match="cannot reach the Solana RPC.*SOLANA_RPC_URL") as err:
        get_slot("http://127.0.0.1:9/v2/ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert "ABCDEFGHIJKLMNOPQRSTUVWXYZ" not in str(err.value)


def test_rate_limit_is_never_exceeded_in_any_second(server):
    url, script = server

    async def burst() -> None:
        async with SolanaRpc(url, max_rps=10, concurrency=8) as rpc:
            await asyncio.gather(
                *(rpc.call(GetSlot(), GetSlotResp, what="getSlot") for _ in range(25))
            )

    run_sync(burst)
    times = sorted(script.times)
    # Any 11 consecutive requests span a second or more (a little slack for arrival jitter).
    assert min(b - a for a, b in zip(times, times[10:], strict=False)) >= 0.95


def _answers(request: list[dict[str, Any]], error_for: dict[int, int]) -> str:
    """Answer a getBlock batch, in reverse order, with an error code for some slots."""
    out = []
    for item in reversed(request):
        slot = item["params"][0]
        if slot in error_for:
            out.append(
                {
                    "jsonrpc": "2.0",
                    "id": item["id"],
                    "error": {"code": error_for[slot], "message": "no"},
                }
            )
        else:
            out.append({"jsonrpc": "2.0", "id": item["id"], "result": {"slot": slot}})
    return json.dumps(out)


def batch(url: str, slots: list[int]) -> list[Any]:
    async def go() -> list[Any]:
        async with SolanaRpc(url, backoff=0.01) as rpc:
            return await rpc.batch(
                [GetBlock(s) for s in slots], whats=[f"getBlock(slot {s})" for s in slots]
            )

    return run_sync(go)


def test_batch_matches_answers_by_id_and_keeps_skipped_slots_as_values(server):
    url, script = server
    script.steps[:] = [(200, {}, lambda r: _answers(r, {11: -32007}))]
    results = batch(url, [10, 11, 12])
    assert results[0] == {"slot": 10} and results[2] == {"slot": 12}
    assert isinstance(results[1], SlotSkipped)
    assert len(script.requests) == 1 and len(script.requests[0]) == 3


def test_batch_resends_only_the_blocks_not_available_yet(server):
    url, script = server
    script.steps[:] = [
        (200, {}, lambda r: _answers(r, {11: -32004})),
        (200, {}, lambda r: _answers(r, {})),
    ]
    assert batch(url, [10, 11, 12]) == [{"slot": 10}, {"slot": 11}, {"slot": 12}]
    assert [item["params"][0] for item in script.requests[1]] == [11]


def test_batch_with_a_missing_answer_is_sent_again(server):
    url, script = server
    script.steps[:] = [
        (200, {}, lambda r: json.dumps(json.loads(_answers(r, {}))[:1])),
        (200, {}, lambda r: _answers(r, {})),
    ]
    assert batch(url, [1, 2]) == [{"slot": 1}, {"slot": 2}]
    assert len(script.requests) == 2


def test_batch_gives_up_naming_the_slot(server):
    url, script = server
    script.steps[:] = [(200, {}, lambda r: _answers(r, {12: -32004}))]
    with pytest.raises(RpcError, match=r"getBlock\(slot 12\): RPC error -32004"):
        batch(url, [11, 12])
