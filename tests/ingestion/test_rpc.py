"""The RPC client against a real local HTTP server that misbehaves on purpose."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from solders.rpc.requests import GetSlot
from solders.rpc.responses import GetSlotResp

from ingestion.rpc import RpcError, SlotSkipped, SolanaRpc, run_sync

OK = json.dumps({"jsonrpc": "2.0", "result": 1234, "id": 0})


class Script:
    """Responses to give in order: (status, headers, body); the last one repeats."""

    def __init__(self, *steps: tuple[int, dict[str, str], str]) -> None:
        self.steps = list(steps)
        self.times: list[float] = []

    def next(self) -> tuple[int, dict[str, str], str]:
        self.times.append(time.monotonic())
        return self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script((200, {}, OK))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            status, headers, body = script.next()
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


def get_slot(url: str, **kwargs: float) -> int:
    async def go() -> int:
        async with SolanaRpc(url, backoff=0.01, **kwargs) as rpc:  # type: ignore[arg-type]
            return (await rpc.call(GetSlot(), GetSlotResp, what="getSlot")).value

    return run_sync(go)


def test_retries_429_honouring_retry_after_then_succeeds(server):
    url, script = server
    script.steps[:] = [(429, {"Retry-After": "0.3"}, "slow down"), (200, {}, OK)]
    assert get_slot(url) == 1234
    assert script.times[1] - script.times[0] >= 0.3


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


def test_rate_limit_is_respected(server):
    url, script = server

    async def burst() -> None:
        async with SolanaRpc(url, max_rps=10, concurrency=8) as rpc:
            import asyncio

            await asyncio.gather(
                *(rpc.call(GetSlot(), GetSlotResp, what="getSlot") for _ in range(25))
            )

    run_sync(burst)
    span = script.times[-1] - script.times[0]
    # 25 requests at 10/s: aiolimiter lets a first burst of 10 through, the rest at the rate.
    assert span >= 1.2
