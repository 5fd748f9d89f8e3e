"""Profiles: mainnet magnitudes stay fast enough, wall-clock advancing moves the tip."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from simnet_http import call_bytes, call_json

from simnet.profiles import get_profile
from simnet.server import start_simnet


def _result(url: str, method: str, params: list[Any] | None = None) -> Any:
    return call_json(url, method, params)["result"]


def test_mainnet_profile_closed_epoch() -> None:
    spe = 432_000
    with start_simnet("mainnet", seed=3) as handle:
        assert _result(handle.url, "getEpochSchedule")["slotsPerEpoch"] == spe
        info = _result(handle.url, "getEpochInfo")
        assert info["epoch"] == 10 and info["slotsInEpoch"] == spe
        started = time.perf_counter()
        value = _result(
            handle.url,
            "getBlockProduction",
            [{"range": {"firstSlot": 9 * spe, "lastSlot": 10 * spe - 1}}],
        )["value"]
        assert time.perf_counter() - started < 5
        assert sum(s for s, _ in value["byIdentity"].values()) == spe
        votes = _result(handle.url, "getVoteAccounts")
        assert 1_300 < len(votes["current"]) + len(votes["delinquent"]) < 1_900
        # Like mainnet, only the last 1,048,576 slots are in the slot history.
        error = json.loads(
            call_bytes(
                handle.url, "getBlockProduction", [{"range": {"firstSlot": 0, "lastSlot": 5}}]
            )
        )["error"]
        assert error["code"] == -32602 and "is too small" in error["message"]


def test_advancing_clock_moves_the_tip() -> None:
    with start_simnet("demo", seed=0, advance=True, slot_seconds=0.01) as handle:
        first = _result(handle.url, "getSlot")
        time.sleep(0.1)
        assert _result(handle.url, "getSlot") > first >= 53_500


def test_profile_validation() -> None:
    assert list(get_profile("demo").closed_epochs) == [0, 1, 2, 3, 4, 5]
    assert get_profile("mainnet", seed=4).seed == 4
    with pytest.raises(ValueError, match="unknown simnet profile"):
        get_profile("testnet")
    with pytest.raises(ValueError, match="multiple of 4"):
        get_profile("demo", slots_per_epoch=1_001)
