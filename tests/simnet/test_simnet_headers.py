"""Header-only getBlock skips planning transactions, and answers exactly what a full block's
header and rewards say, on both profiles."""

from __future__ import annotations

import hashlib

import pytest

from simnet.blocks.encode import dumps
from simnet.cluster import Cluster
from simnet.methods.blocks import get_block
from simnet.profiles import get_profile

FULL = {"encoding": "json", "maxSupportedTransactionVersion": 0, "transactionDetails": "full"}
HEADER_KEYS = ("blockHeight", "blockTime", "blockhash", "parentSlot", "previousBlockhash")


def sample_slots(cluster: Cluster, count: int) -> list[int]:
    """Produced slots spread over the last closed epoch, its first slots and genesis's."""
    epoch = cluster.schedule.epoch(cluster.current_slot()) - 1
    first, size = epoch * cluster.profile.slots_per_epoch, cluster.profile.slots_per_epoch
    candidates = [0, 1, 2, first, first + 1, *range(first + 7, first + size, size // count)]
    return [slot for slot in candidates if cluster.blocks.produced(slot)]


@pytest.mark.parametrize("profile", ["demo", "mainnet"])
def test_header_only_blocks_match_the_full_blocks(profile: str) -> None:
    cluster = Cluster(get_profile(profile, 0))
    slots = sample_slots(cluster, 12)
    assert len(slots) >= 10
    for slot in slots:
        full = get_block(cluster, [slot, FULL])
        assert len(full["transactions"]) > 0
        for rewards in (True, False):
            header = get_block(cluster, [slot, {"transactionDetails": "none", "rewards": rewards}])
            expected = {key: full[key] for key in HEADER_KEYS}
            if rewards:
                expected["rewards"] = full["rewards"]
            assert header == expected, slot


def test_header_only_answers_do_not_depend_on_what_was_built_first() -> None:
    """A cold simnet answering headers only, and one that built every block in full first."""
    slots = sample_slots(Cluster(get_profile("mainnet", 0)), 8)
    config = {"transactionDetails": "none", "rewards": True}

    def digest(cluster: Cluster) -> str:
        sha = hashlib.sha256()
        for slot in slots:
            sha.update(dumps(get_block(cluster, [slot, config])))
        return sha.hexdigest()

    warm = Cluster(get_profile("mainnet", 0))
    for slot in slots:
        get_block(warm, [slot, FULL])
    assert digest(Cluster(get_profile("mainnet", 0))) == digest(warm)
