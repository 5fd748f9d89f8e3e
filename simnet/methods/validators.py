"""Validator methods: getVoteAccounts and getBlockProduction."""

from __future__ import annotations

from typing import Any

import numpy as np

from simnet import params
from simnet.cluster import Cluster
from simnet.errors import invalid_params
from simnet.methods.common import with_context
from simnet.votes import CREDIT_HISTORY, DELINQUENT_SLOT_DISTANCE, is_delinquent, vote_states


def get_vote_accounts(cluster: Cluster, raw: Any) -> dict[str, Any]:
    """Answer getVoteAccounts: current and delinquent vote accounts at the tip."""
    (cfg,) = params.positional(raw, 1)
    config = params.config(cfg)
    vote_pubkey = params.pubkey(config.get("votePubkey"))
    keep_unstaked = params.boolean(config.get("keepUnstakedDelinquents")) or False
    distance = params.optional_u64(config.get("delinquentSlotDistance"))
    slot = cluster.current_slot()
    validators = cluster.population.validators
    current: list[dict[str, Any]] = []
    delinquent: list[dict[str, Any]] = []
    for state in vote_states(cluster, slot):
        v = validators[state.index]
        if vote_pubkey is not None and v.vote_account != vote_pubkey:
            continue
        info = {
            "activatedStake": state.activated_stake,
            "commission": state.commission,
            "epochCredits": state.epoch_credits[-CREDIT_HISTORY:],
            "epochVoteAccount": state.epoch_vote_account,
            "lastVote": state.last_vote,
            "nodePubkey": v.identity,
            "rootSlot": state.root_slot,
            "votePubkey": v.vote_account,
        }
        if not is_delinquent(
            state.last_vote, slot, DELINQUENT_SLOT_DISTANCE if distance is None else distance
        ):
            current.append(info)
        elif keep_unstaked or state.activated_stake > 0:
            delinquent.append(info)
    return {"current": current, "delinquent": delinquent}


def _range(cluster: Cluster, config: dict[str, Any], slot: int) -> tuple[int, int]:
    rng = config.get("range")
    if rng is None:
        return cluster.schedule.first_slot(cluster.schedule.epoch(slot)), slot
    if not isinstance(rng, dict):
        raise params.type_error(rng, "struct RpcBlockProductionConfigRange")
    if "firstSlot" not in rng:
        raise invalid_params("Invalid params: missing field `firstSlot`.")
    first = params.u64(rng["firstSlot"])
    last = params.optional_u64(rng.get("lastSlot"))
    last = slot if last is None else last
    if last < first:
        raise invalid_params(f"lastSlot, {last}, cannot be less than firstSlot, {first}")
    oldest = max(slot + 1 - cluster.profile.slot_history, 0)
    if first < oldest:
        raise invalid_params(f"firstSlot, {first}, is too small; min {oldest}")
    if last > slot:
        raise invalid_params(f"lastSlot, {last}, is too large; max {slot}")
    return first, last


def get_block_production(cluster: Cluster, raw: Any) -> dict[str, Any]:
    """Answer getBlockProduction: [leaderSlots, blocksProduced] per identity over a slot range."""
    (cfg,) = params.positional(raw, 1)
    config = params.config(cfg)
    identity = params.pubkey(config.get("identity"))
    slot = cluster.current_slot()
    first, last = _range(cluster, config, slot)
    size = len(cluster.population)
    leader_slots = np.zeros(size, dtype=np.int64)
    blocks = np.zeros(size, dtype=np.int64)
    schedule = cluster.schedule
    for epoch in range(schedule.epoch(first), schedule.epoch(last) + 1):
        lo, hi = max(first, schedule.first_slot(epoch)), min(last, schedule.last_slot(epoch))
        epoch_slots, epoch_blocks = cluster.production(epoch).counts(lo, hi, size)
        leader_slots += epoch_slots
        blocks += epoch_blocks
    validators = cluster.population.validators
    by_identity = {
        validators[i].identity: [int(leader_slots[i]), int(blocks[i])]
        for i in np.flatnonzero(leader_slots)
        if identity is None or validators[i].identity == identity
    }
    return with_context(
        slot, {"byIdentity": by_identity, "range": {"firstSlot": first, "lastSlot": last}}
    )


METHODS = {
    "getVoteAccounts": get_vote_accounts,
    "getBlockProduction": get_block_production,
}
