"""Cluster-wide methods: epoch schedule and info, slot, block height, health, version, genesis."""

from __future__ import annotations

from typing import Any

from simnet import params
from simnet.cluster import Cluster
from simnet.methods.common import API_VERSION, FEATURE_SET, tip


def get_epoch_schedule(cluster: Cluster, raw: Any) -> dict[str, Any]:
    """Answer getEpochSchedule: fixed-length epochs from genesis (no warmup)."""
    params.positional(raw, 0)
    spe = cluster.profile.slots_per_epoch
    return {
        "firstNormalEpoch": 0,
        "firstNormalSlot": 0,
        "leaderScheduleSlotOffset": spe,
        "slotsPerEpoch": spe,
        "warmup": False,
    }


def get_epoch_info(cluster: Cluster, raw: Any) -> dict[str, Any]:
    """Answer getEpochInfo at the tip."""
    (cfg,) = params.positional(raw, 1)
    slot = tip(cluster, params.config(cfg))
    epoch = cluster.schedule.epoch(slot)
    return {
        "absoluteSlot": slot,
        "blockHeight": cluster.block_height(slot),
        "epoch": epoch,
        "slotIndex": slot - cluster.schedule.first_slot(epoch),
        "slotsInEpoch": cluster.profile.slots_per_epoch,
        "transactionCount": cluster.transaction_count(slot),
    }


def get_slot(cluster: Cluster, raw: Any) -> int:
    """Answer getSlot."""
    (cfg,) = params.positional(raw, 1)
    return tip(cluster, params.config(cfg))


def get_block_height(cluster: Cluster, raw: Any) -> int:
    """Answer getBlockHeight."""
    (cfg,) = params.positional(raw, 1)
    return cluster.block_height(tip(cluster, params.config(cfg)))


def get_health(cluster: Cluster, raw: Any) -> str:
    """Answer getHealth: a simulated node is never behind."""
    params.positional(raw, 0)
    return "ok"


def get_version(cluster: Cluster, raw: Any) -> dict[str, Any]:
    """Answer getVersion with the agave release simnet imitates."""
    params.positional(raw, 0)
    return {"feature-set": FEATURE_SET, "solana-core": API_VERSION}


def get_genesis_hash(cluster: Cluster, raw: Any) -> str:
    """Answer getGenesisHash: one hash per profile and seed."""
    params.positional(raw, 0)
    return cluster.genesis_hash


METHODS = {
    "getEpochSchedule": get_epoch_schedule,
    "getEpochInfo": get_epoch_info,
    "getSlot": get_slot,
    "getBlockHeight": get_block_height,
    "getHealth": get_health,
    "getVersion": get_version,
    "getGenesisHash": get_genesis_hash,
}
