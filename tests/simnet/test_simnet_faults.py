"""Fault injection: spec parsing, deterministic fault sequences, every fault mode over HTTP."""

from __future__ import annotations

import http.client
import json
import time
from collections import Counter
from urllib.parse import urlsplit

import pytest
from simnet_http import call_json, get_json

from simnet.faults import CallFaults, FaultInjector, parse
from simnet.server import SimnetHandle, start_simnet

BODY = b'{"jsonrpc":"2.0","id":1,"method":"getSlot"}'


def _post(handle: SimnetHandle, timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    url = urlsplit(handle.url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=timeout)
    try:
        connection.request("POST", "/", BODY, {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _outcome(handle: SimnetHandle) -> str:
    try:
        status, headers, body = _post(handle, timeout=0.3)
    except http.client.IncompleteRead:
        return "truncate"
    except ConnectionResetError:
        return "reset"
    except TimeoutError:
        return "timeout"
    if status == 429:
        assert headers["Retry-After"] == "1"
        return "429"
    if status >= 500:
        assert status in (500, 502, 503)
        return "5xx"
    try:
        assert json.loads(body)["result"] == 53_500
    except ValueError:
        return "invalid"
    return "ok"


def test_parse_spec() -> None:
    spec = parse(
        "latency=50ms,429=0.05,5xx=0.02,reset=0.01,timeout=0.01,truncate=0.01,invalid=0.01"
    )
    assert spec.latency == 0.05 and dict(spec.rates)["429"] == 0.05 and spec.active
    assert parse("rps=40,hang=2s").rps == 40 and parse("hang=2s").hang == 2.0
    assert not parse("").active
    for bad in ("429=2", "bogus=1", "latency=fast", "429", "rps=0", "429=0.6,5xx=0.6"):
        with pytest.raises(ValueError):
            parse(bad)
    with pytest.raises(ValueError):
        start_simnet("demo", faults="nonsense=1")


def test_fault_sequence_is_deterministic() -> None:
    spec = parse("429=0.1,5xx=0.1,reset=0.1,timeout=0.1,truncate=0.1,invalid=0.1")
    a, b, c = FaultInjector(spec, 5), FaultInjector(spec, 5), FaultInjector(spec, 6)
    seq_a = [a.next()[0] for _ in range(2_000)]
    assert seq_a == [b.next()[0] for _ in range(2_000)]
    assert seq_a != [c.next()[0] for _ in range(2_000)]
    counts = Counter(seq_a)
    for kind in ("429", "5xx", "reset", "timeout", "truncate", "invalid"):
        assert 140 < counts[kind] < 260


def test_every_fault_mode_over_http() -> None:
    spec = "429=0.15,5xx=0.15,reset=0.15,timeout=0.1,truncate=0.15,invalid=0.15,hang=0.5s"
    with start_simnet("demo", faults=spec) as handle:
        outcomes = [_outcome(handle) for _ in range(60)]
        assert set(outcomes) == {"ok", "429", "5xx", "reset", "timeout", "truncate", "invalid"}
        # Evaluation routes are never faulted.
        assert all(
            get_json(f"{handle.url}/simnet/truth/epochs?epoch=1")[0] == 200 for _ in range(10)
        )
    with start_simnet("demo", faults=spec) as again:
        assert [_outcome(again) for _ in range(20)] == outcomes[:20]


def test_latency_and_rate_limit() -> None:
    with start_simnet("demo", faults="latency=30ms") as handle:
        started = time.perf_counter()
        assert _post(handle)[0] == 200
        assert time.perf_counter() - started >= 0.03
    with start_simnet("demo", faults="rps=5") as handle:
        statuses = [_post(handle)[0] for _ in range(12)]
        assert statuses[:5] == [200] * 5 and 429 in statuses[5:]
        time.sleep(0.5)
        assert _post(handle)[0] == 200  # the bucket refills with time


def test_block_not_available_fault() -> None:
    assert parse("unavailable=0.3").unavailable == 0.3
    assert not parse("unavailable=0.3").active  # answered by getBlock, not at the HTTP layer
    a, b = CallFaults(0.3, 5, "getBlock"), CallFaults(0.3, 5, "getBlock")
    hits = [a.hit() for _ in range(2_000)]
    assert hits == [b.hit() for _ in range(2_000)] and 500 < sum(hits) < 700
    with pytest.raises(ValueError):
        parse("unavailable=1.5")
    with start_simnet("demo", faults="unavailable=0.3") as handle:
        slots = call_json(handle.url, "getBlocks", [40_000, 40_100])["result"]
        codes = []
        for slot in slots[:60]:
            answer = call_json(handle.url, "getBlock", [slot, {"transactionDetails": "none"}])
            if "error" in answer:
                assert answer["error"] == {
                    "code": -32004,
                    "message": f"Block not available for slot {slot}",
                }
            codes.append("error" in answer)
        assert 8 < sum(codes) < 30
        # A retry of the same slot gets through, and other methods are never refused.
        slot = slots[codes.index(True)]
        while "error" in call_json(handle.url, "getBlock", [slot, {"transactionDetails": "none"}]):
            pass
        assert all("result" in call_json(handle.url, "getBlockTime", [s]) for s in slots[:30])
    with start_simnet("demo", faults="unavailable=0.3") as again:
        replay = [
            "error" in call_json(again.url, "getBlock", [s, {"transactionDetails": "none"}])
            for s in slots[:60]
        ]
        assert replay == codes
