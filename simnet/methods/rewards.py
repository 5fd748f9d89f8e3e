"""Reward methods: getInflationRate and getInflationReward."""

from __future__ import annotations

from typing import Any

import numpy as np

from simnet import params
from simnet.cluster import Cluster
from simnet.errors import BLOCK_NOT_AVAILABLE, RpcError
from simnet.inflation import epoch_inflation, rate
from simnet.methods.common import tip
from simnet.validators import LAMPORTS_PER_SOL


def get_inflation_rate(cluster: Cluster, raw: Any) -> dict[str, Any]:
    """Answer getInflationRate for the current epoch (no foundation share)."""
    params.positional(raw, 0)
    epoch = cluster.current_epoch()
    total = rate(cluster, epoch)
    return {"epoch": epoch, "foundation": 0.0, "total": total, "validator": total}


def get_inflation_reward(cluster: Cluster, raw: Any) -> list[dict[str, Any] | None]:
    """Answer getInflationReward: each vote account's commission reward for an epoch, or null."""
    addresses_raw, cfg = params.positional(raw, 2)
    if not isinstance(addresses_raw, list):
        raise params.type_error(addresses_raw, "a sequence")
    addresses = [params.pubkey(a) for a in addresses_raw]
    config = params.config(cfg)
    current = cluster.schedule.epoch(tip(cluster, config))
    epoch = params.optional_u64(config.get("epoch"))
    epoch = current - 1 if epoch is None else epoch
    # Epoch N's rewards are paid in the first block of N + 1.
    paid_in = cluster.schedule.first_slot(epoch + 1)
    if epoch >= current:
        raise RpcError(BLOCK_NOT_AVAILABLE, f"Block not available for slot {paid_in}")
    next_blocks = np.flatnonzero(cluster.production(epoch + 1).produced)
    effective = paid_in + int(next_blocks[0]) if next_blocks.size else paid_in
    inflation = epoch_inflation(cluster, epoch)
    index = {v.vote_account: v.index for v in cluster.population.validators}
    out: list[dict[str, Any] | None] = []
    for address in addresses:
        i = index.get(address or "")
        # Like mainnet, no reward record (null) when the commission cut is zero.
        if i is None or inflation.commission_rewards[i] == 0:
            out.append(None)
            continue
        amount = int(inflation.commission_rewards[i])
        base = int(LAMPORTS_PER_SOL * (1 + (i * 7919) % 97))
        out.append(
            {
                "amount": amount,
                "commission": int(inflation.commissions[i]),
                "effectiveSlot": effective,
                "epoch": epoch,
                "postBalance": base + amount,
            }
        )
    return out


METHODS = {
    "getInflationRate": get_inflation_rate,
    "getInflationReward": get_inflation_reward,
}
