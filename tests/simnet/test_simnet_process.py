"""simnet in a child process answers like the in-process one and stops with its block."""

from __future__ import annotations

import json
import urllib.request

import pytest

from simnet.process import simnet_process
from simnet.server import start_simnet


def _slot(url: str) -> int:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "getSlot"}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(json.load(response)["result"])


def test_child_process_serves_the_profile_then_stops() -> None:
    with simnet_process("demo", seed=0) as url:
        assert _slot(url) == 53_500
    with pytest.raises(OSError):
        _slot(url)


def test_a_child_that_cannot_start_says_so() -> None:
    with pytest.raises(RuntimeError, match="exited"), simnet_process("no-such-profile"):
        pass


def _post(url: str, method: str, params: list[object]) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", "id": 7, "method": method, "params": params}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return bytes(response.read())


def test_forked_block_renderers_answer_the_bytes_of_one_process() -> None:
    """The child renders full blocks in a forked worker per core (simnet/blocks/render_workers.py),
    routed by market chunk: every answer, errors included, is the in-process server's byte for
    byte, whatever worker a block went to and in whatever order."""
    cluster = {"slots_per_epoch": 1_024, "frozen_slot": 2 * 1_024 + 500, "validator_count": 16}
    configs: list[dict[str, object]] = [
        {"maxSupportedTransactionVersion": 0},
        {"maxSupportedTransactionVersion": 0, "encoding": "jsonParsed", "rewards": False},
        {"maxSupportedTransactionVersion": 0, "transactionDetails": "signatures"},
        {"transactionDetails": "accounts"},  # legacy only: versioned blocks answer an error
    ]
    with (
        start_simnet("demo", **cluster) as single,
        simnet_process("demo", render_workers=2, **cluster) as forked,
    ):
        produced = json.loads(_post(single.url, "getBlocks", [1_024, 2_047]))["result"]
        # Blocks of several market chunks (256 slots each), the later ones asked first.
        slots = sorted(produced[::97], reverse=True)
        assert len(slots) >= 8
        for slot in slots:
            for config in configs:
                assert _post(forked, "getBlock", [slot, config]) == _post(
                    single.url, "getBlock", [slot, config]
                ), (slot, config)
