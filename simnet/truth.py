"""Ground truth for evaluation only, served beside (never through) the JSON-RPC API."""

from __future__ import annotations

from typing import Any

import numpy as np

from simnet.cluster import Cluster
from simnet.dex import truth as dex_truth
from simnet.inflation import epoch_inflation
from simnet.jito import epoch_mev
from simnet.votes import credits_earned


def validators_truth(cluster: Cluster) -> dict[str, Any]:
    """Return the planted traits of every validator that exists at the tip."""
    epoch = cluster.current_epoch()
    return {
        "validators": [
            {
                "vote_account": v.vote_account,
                "identity": v.identity,
                "skip_probability": v.skip_probability,
                "vote_quality": v.vote_quality,
                "runs_jito": v.runs_jito,
                "colludes": v.colludes,
                "rug_epochs": [e for e in v.rug_epochs if e <= epoch],
                "first_epoch": v.first_epoch,
                "exit_epoch": v.exit_epoch
                if v.exit_epoch is not None and v.exit_epoch <= epoch
                else None,
                "commission": v.commission_at(epoch),
            }
            for v in cluster.population.validators
            if v.first_epoch <= epoch
        ]
    }


def epoch_truth(cluster: Cluster, epoch: int) -> dict[str, Any]:
    """Return an epoch's totals and per-validator figures up to the tip (LookupError if future)."""
    slot = cluster.current_slot()
    if epoch > cluster.schedule.epoch(slot):
        raise LookupError(f"epoch {epoch} has not started; the tip is slot {slot}")
    first = cluster.schedule.first_slot(epoch)
    last = min(cluster.schedule.last_slot(epoch), slot)
    size = len(cluster.population)
    leader_slots, blocks = cluster.production(epoch).counts(first, last, size)
    stakes = cluster.population.stakes(epoch)
    credits = credits_earned(cluster, epoch, last)
    closed = slot > cluster.schedule.last_slot(epoch)
    econ = cluster.blocks.economics(epoch)
    through = last - first + 1
    leaders = cluster.production(epoch).leaders[:through]
    fee_rewards = np.bincount(leaders, weights=econ.leader_fees[:through], minlength=size).astype(
        np.int64
    )
    mev = epoch_mev(cluster, epoch)
    # Inflation for an epoch is only settled once it has closed.
    inflation = epoch_inflation(cluster, epoch) if closed else None
    validators = [
        {
            "vote_account": v.vote_account,
            "identity": v.identity,
            "activated_stake": int(stakes[v.index]),
            "commission": v.commission_at(epoch),
            "leader_slots": int(leader_slots[v.index]),
            "blocks_produced": int(blocks[v.index]),
            "vote_credits": int(credits[v.index]),
            "fee_rewards_lamports": int(fee_rewards[v.index]),
            "tips_lamports": int(mev.tips[v.index]),
            "mev_rewards_lamports": int(mev.mev_rewards[v.index]),
            "mev_commission_bps": v.mev_commission_at(epoch),
            "inflation_lamports": None if inflation is None else int(inflation.rewards[v.index]),
            "inflation_commission_lamports": None
            if inflation is None
            else int(inflation.commission_rewards[v.index]),
        }
        for v in cluster.population.validators
        if v.first_epoch <= epoch
    ]
    return {
        "epoch": epoch,
        "first_slot": first,
        "last_slot": last,
        "closed": closed,
        "leader_slots": int(leader_slots.sum()),
        "blocks_produced": int(blocks.sum()),
        "transactions": int(cluster.production(epoch).transactions[:through].sum()),
        "fees_lamports": int(econ.base_fees[:through].sum() + econ.priority_fees[:through].sum()),
        "priority_fees_lamports": int(econ.priority_fees[:through].sum()),
        "leader_fee_rewards_lamports": int(econ.leader_fees[:through].sum()),
        "tips_lamports": int(mev.tips.sum()),
        "mev_rewards_lamports": int(mev.mev_rewards.sum()),
        "block_engine_lamports": mev.block_engine,
        "inflation_lamports": None if inflation is None else inflation.total,
        "validators": validators,
    }


def market_truth(
    cluster: Cluster, what: str, epoch: int, first: int | None, last: int | None
) -> dict[str, Any]:
    """Return an epoch's DEX swaps or MEV events ("swaps" or "mev"), optionally a slot range.

    LookupError for an epoch not started, ValueError for a range too long (simnet/dex/truth.py).
    """
    truth = dex_truth.swaps_truth if what == "swaps" else dex_truth.mev_truth
    return truth(cluster.blocks.market, epoch, first, last)
