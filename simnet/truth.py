"""Ground truth for evaluation only, served beside (never through) the JSON-RPC API."""

from __future__ import annotations

from typing import Any

from simnet.cluster import Cluster
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
    validators = [
        {
            "vote_account": v.vote_account,
            "identity": v.identity,
            "activated_stake": int(stakes[v.index]),
            "commission": v.commission_at(epoch),
            "leader_slots": int(leader_slots[v.index]),
            "blocks_produced": int(blocks[v.index]),
            "vote_credits": int(credits[v.index]),
        }
        for v in cluster.population.validators
        if v.first_epoch <= epoch
    ]
    return {
        "epoch": epoch,
        "first_slot": first,
        "last_slot": last,
        "closed": slot > cluster.schedule.last_slot(epoch),
        "leader_slots": int(leader_slots.sum()),
        "blocks_produced": int(blocks.sum()),
        "transactions": int(cluster.production(epoch).transactions[: last - first + 1].sum()),
        "validators": validators,
    }
