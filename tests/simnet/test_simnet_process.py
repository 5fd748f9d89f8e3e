"""simnet in a child process answers like the in-process one and stops with its block."""

from __future__ import annotations

import json
import urllib.request

import pytest

from simnet.process import simnet_process


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
