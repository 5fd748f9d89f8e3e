"""Helpers shared by method handlers: the tip under a config, and context-wrapped values."""

from __future__ import annotations

from typing import Any

from simnet import params
from simnet.cluster import Cluster
from simnet.errors import MIN_CONTEXT_SLOT_NOT_REACHED, RpcError

API_VERSION = "2.2.0"
# The feature set id reported with solana-core 2.2.0 (any fixed u32 would do).
FEATURE_SET = 3294202862


def tip(cluster: Cluster, config: dict[str, Any]) -> int:
    """Return the tip slot, refusing a minContextSlot the cluster has not reached."""
    slot = cluster.current_slot()
    min_slot = params.optional_u64(config.get("minContextSlot"))
    if min_slot is not None and min_slot > slot:
        raise RpcError(
            MIN_CONTEXT_SLOT_NOT_REACHED,
            "Minimum context slot has not been reached",
            {"contextSlot": slot},
        )
    return slot


def with_context(slot: int, value: Any) -> dict[str, Any]:
    """Wrap a value in the RpcResponse context mainnet puts around it."""
    return {"context": {"apiVersion": API_VERSION, "slot": slot}, "value": value}
