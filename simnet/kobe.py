"""The Jito kobe API's answers (/api/v1/...), with kobe's field names and lamport units."""

from __future__ import annotations

from typing import Any

from simnet import keys
from simnet.cluster import Cluster
from simnet.jito import epoch_mev
from simnet.validators import LAMPORTS_PER_SOL

MAX_LIMIT = 10_000


def _epoch(cluster: Cluster, epoch: int | None) -> int:
    # kobe answers for the last closed epoch by default; unknown epochs are a lookup error.
    current = cluster.current_epoch()
    if epoch is None:
        return max(current - 1, 0)
    if epoch < 0 or epoch > current:
        raise LookupError(f"no data for epoch {epoch}")
    return epoch


def validators(cluster: Cluster, epoch: int | None = None) -> dict[str, Any]:
    """Answer /api/v1/validators: every staked validator's Jito state for an epoch."""
    epoch = _epoch(cluster, epoch)
    stakes = cluster.population.stakes(epoch)
    mev = epoch_mev(cluster, epoch)
    out: list[dict[str, Any]] = []
    for v in cluster.population.validators:
        if stakes[v.index] == 0:
            continue
        out.append(
            {
                "active_stake": int(stakes[v.index]),
                "mev_commission_bps": v.mev_commission_at(epoch),
                "mev_rewards": int(mev.mev_rewards[v.index]),
                "running_jito": v.runs_jito,
                "vote_account": v.vote_account,
            }
        )
    out.sort(key=lambda item: (-int(item["active_stake"]), str(item["vote_account"])))
    return {"validators": out}


def validator_rewards(
    cluster: Cluster, epoch: int | None = None, page: int = 1, limit: int = 100
) -> dict[str, Any]:
    """Answer /api/v1/validator_rewards: Jito validators' MEV revenue, highest first, paged."""
    if page < 1 or not 1 <= limit <= MAX_LIMIT:
        raise ValueError("page must be >= 1 and limit within 1..10000")
    epoch = _epoch(cluster, epoch)
    stakes = cluster.population.stakes(epoch)
    mev = epoch_mev(cluster, epoch)
    rows: list[dict[str, Any]] = []
    for v in cluster.population.validators:
        if not v.runs_jito or stakes[v.index] == 0:
            continue
        rows.append(
            {
                "claim_status_account": keys.address(cluster.seed, f"claim/{v.index}/{epoch}"),
                "epoch": epoch,
                "mev_commission": v.mev_commission_at(epoch),
                "mev_revenue": int(mev.mev_rewards[v.index]),
                "num_stakers": 1 + int(stakes[v.index] // (2_000 * LAMPORTS_PER_SOL)),
                "priority_fee_commission": None,
                "priority_fee_revenue": 0,
                "vote_account": v.vote_account,
            }
        )
    rows.sort(key=lambda row: (-int(row["mev_revenue"]), str(row["vote_account"])))
    start = (page - 1) * limit
    return {"rewards": rows[start : start + limit], "total_count": len(rows)}


def mev_rewards(cluster: Cluster, epoch: int | None = None) -> dict[str, Any]:
    """Answer /api/v1/mev_rewards: the network's MEV for an epoch per lamport of Jito stake."""
    epoch = _epoch(cluster, epoch)
    stakes = cluster.population.stakes(epoch)
    mev = epoch_mev(cluster, epoch)
    jito_stake = sum(int(stakes[v.index]) for v in cluster.population.validators if v.runs_jito)
    total = int(mev.mev_rewards.sum())
    return {
        "epoch": epoch,
        "jito_stake_weight_lamports": jito_stake,
        "mev_reward_per_lamport": total / jito_stake if jito_stake else 0.0,
        "total_network_mev_lamports": total,
    }
