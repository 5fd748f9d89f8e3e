"""JSON-RPC errors, batches and the non-RPC routes answer like mainnet's node would."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from simnet_http import get_json, post_raw
from solders.rpc.responses import GetBlockResp

from simnet.server import SimnetHandle

TIP = 53_500


def _error(demo: SimnetHandle, body: bytes) -> dict[str, Any]:
    answer = json.loads(post_raw(demo.url, body))
    assert answer["jsonrpc"] == "2.0" and "result" not in answer
    return dict(answer)


def _call_error(demo: SimnetHandle, method: str, params: Any) -> dict[str, Any]:
    body = json.dumps({"jsonrpc": "2.0", "id": 7, "method": method, "params": params})
    answer = _error(demo, body.encode())
    assert answer["id"] == 7
    return dict(answer["error"])


def test_unknown_method(demo: SimnetHandle) -> None:
    assert _call_error(demo, "getTheMoon", []) == {"code": -32601, "message": "Method not found"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ([{"range": {"firstSlot": 0, "lastSlot": TIP + 1}}], f"lastSlot, {TIP + 1}, is too large"),
        ([{"range": {"firstSlot": 10, "lastSlot": 9}}], "cannot be less than firstSlot"),
        ([{"range": {"firstSlot": "0"}}], "invalid type: string"),
        ([{"range": {"firstSlot": -1}}], "expected u64"),
        ([{"range": {"lastSlot": 5}}], "missing field `firstSlot`"),
        ([{"identity": "not-a-key"}], "Invalid param"),
        ([{"commitment": "soon"}], "unknown variant"),
        (["x"], "invalid type"),
        ([{}, {}], "invalid length"),
    ],
)
def test_block_production_invalid_params(demo: SimnetHandle, params: Any, message: str) -> None:
    error = _call_error(demo, "getBlockProduction", params)
    assert error["code"] == -32602
    assert message in error["message"]


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("getVoteAccounts", [{"votePubkey": 5}]),
        ("getVoteAccounts", [{"delinquentSlotDistance": "far"}]),
        ("getVoteAccounts", [{"keepUnstakedDelinquents": "yes"}]),
        ("getEpochInfo", [{"minContextSlot": "x"}]),
        ("getSlot", {"commitment": "finalized"}),
    ],
)
def test_other_invalid_params(demo: SimnetHandle, method: str, params: Any) -> None:
    assert _call_error(demo, method, params)["code"] == -32602


def test_min_context_slot_not_reached(demo: SimnetHandle) -> None:
    error = _call_error(demo, "getSlot", [{"minContextSlot": TIP + 10}])
    assert error["code"] == -32016 and error["data"] == {"contextSlot": TIP}


def test_parse_error(demo: SimnetHandle) -> None:
    answer = _error(demo, b'{"jsonrpc": "2.0", "method": ')
    assert answer["error"]["code"] == -32700 and answer["id"] is None


@pytest.mark.parametrize(
    "body", [b"[]", b"42", b'{"jsonrpc": "1.0", "id": 1, "method": "getSlot"}', b'{"id": 1}']
)
def test_invalid_request(demo: SimnetHandle, body: bytes) -> None:
    assert _error(demo, body)["error"]["code"] == -32600


def test_batch_answers_in_order_with_ids(demo: SimnetHandle) -> None:
    batch = [
        {"jsonrpc": "2.0", "id": "a", "method": "getSlot"},
        {"jsonrpc": "2.0", "id": 2, "method": "nope"},
        {"jsonrpc": "2.0", "method": "getSlot"},  # a notification gets no answer
        {"jsonrpc": "2.0", "id": 3, "method": "getBlockHeight"},
        17,
    ]
    answers = json.loads(post_raw(demo.url, json.dumps(batch).encode()))
    assert [a["id"] for a in answers] == ["a", 2, 3, None]
    assert answers[0]["result"] == TIP
    assert answers[1]["error"]["code"] == -32601
    assert answers[3]["error"]["code"] == -32600


def test_keep_alive_and_routes(demo: SimnetHandle) -> None:
    url = urlsplit(demo.url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    body = b'{"jsonrpc":"2.0","id":1,"method":"getHealth"}'
    for _ in range(3):  # one connection, several requests
        connection.request("POST", "/", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())["result"] == "ok"
    connection.request("GET", "/health")
    response = connection.getresponse()
    assert response.status == 200 and response.read() == b"ok"
    connection.close()
    assert get_json(f"{demo.url}/simnet/truth/epochs?epoch=7")[0] == 404
    assert get_json(f"{demo.url}/simnet/truth/epochs?epoch=x")[0] == 400
    assert get_json(f"{demo.url}/simnet/nothing")[0] == 404


def _first_skipped(demo: SimnetHandle, start: int, end: int) -> int:
    answer = json.loads(post_raw(demo.url, _request("getBlocks", [start, end])))
    produced = set(answer["result"])
    return next(s for s in range(start, end) if s not in produced)


def _request(method: str, params: Any) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": 7, "method": method, "params": params}).encode()


@pytest.mark.parametrize("method", ["getBlock", "getBlockTime"])
def test_skipped_slots_recent_and_in_long_term_storage(demo: SimnetHandle, method: str) -> None:
    # The demo node keeps one epoch (8,192 slots) of ledger before the tip.
    recent = _first_skipped(demo, TIP - 8_000, TIP)
    old = _first_skipped(demo, TIP - 9_000, TIP - 8_200)
    assert _call_error(demo, method, [recent]) == {
        "code": -32007,
        "message": f"Slot {recent} was skipped, or missing due to ledger jump to recent snapshot",
    }
    assert _call_error(demo, method, [old]) == {
        "code": -32009,
        "message": f"Slot {old} was skipped, or missing in long-term storage",
    }
    raw = post_raw(demo.url, _request("getBlock", [old]))
    assert not isinstance(GetBlockResp.from_json(raw.decode()), GetBlockResp)
