"""Vote accounts at a slot: timely-vote credits per epoch, last vote, root and delinquency."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from simnet.cluster import Cluster
from simnet.rng import rng

# Timely vote credits (SIMD-0033): at most 16 per voted block.
MAX_CREDITS_PER_BLOCK = 16
# getVoteAccounts keeps only this many epochCredits entries (MAX_RPC_VOTE_ACCOUNT_INFO_EPOCH_...).
CREDIT_HISTORY = 5
# The vote account itself keeps this many (the vote program's MAX_EPOCH_CREDITS_HISTORY).
STATE_CREDIT_HISTORY = 64
DELINQUENT_SLOT_DISTANCE = 128
# A vote account's root trails its last vote by about the tower's depth.
ROOT_DISTANCE = 31


@dataclass(frozen=True)
class VoteState:
    """One vote account as the bank sees it at a slot."""

    index: int
    activated_stake: int
    epoch_vote_account: bool
    commission: int
    last_vote: int
    root_slot: int
    # [epoch, cumulative credits, previous cumulative] of the epochs it earned credits in, as the
    # account keeps them (getVoteAccounts shows the last CREDIT_HISTORY of these).
    epoch_credits: list[list[int]]


def credits_earned(cluster: Cluster, epoch: int, through_slot: int) -> npt.NDArray[np.int64]:
    """Return the credits each validator earned in an epoch from its first slot to through_slot."""
    pop = cluster.population
    prod = cluster.production(epoch)
    # A validator votes on the cluster's blocks until it goes down.
    until = np.minimum(pop.down_from_slot - 1, through_slot) - prod.first_slot
    index = np.clip(until, 0, len(prod.produced) - 1)
    blocks = np.where(until >= 0, prod.produced_cumulative[index], 0)
    jitter = rng(cluster.seed, "vote-jitter", epoch).normal(0.0, 0.004, len(pop))
    quality = np.clip(pop.vote_quality + jitter, 0.0, 1.0)
    credits = np.floor(MAX_CREDITS_PER_BLOCK * blocks * quality).astype(np.int64)
    return np.where(pop.exists(epoch), credits, 0)


def credit_matrix(cluster: Cluster, slot: int) -> npt.NDArray[np.int64]:
    """Return credits earned by epoch (rows, from 0 to the slot's) and validator (columns)."""
    epoch = cluster.schedule.epoch(slot)
    rows = [
        credits_earned(cluster, e, min(cluster.schedule.last_slot(e), slot))
        for e in range(epoch + 1)
    ]
    return np.vstack(rows)


def vote_states(cluster: Cluster, slot: int) -> list[VoteState]:
    """Return every existing vote account's state at a slot, in population order."""
    pop = cluster.population
    epoch = cluster.schedule.epoch(slot)
    earned = credit_matrix(cluster, slot)
    total = np.cumsum(earned, axis=0)
    stakes = pop.stakes(epoch)
    # Worse voters lag further behind the tip.
    lag = 1 + np.floor((1.0 - pop.vote_quality) * 60).astype(np.int64)
    states = []
    for v in pop.validators:
        i = v.index
        if v.first_epoch > epoch:
            continue
        history = [
            [e, int(total[e, i]), int(total[e, i] - earned[e, i])]
            for e in range(v.first_epoch, epoch + 1)
            if earned[e, i] > 0
        ][-STATE_CREDIT_HISTORY:]
        voting_until = min(slot, int(pop.down_from_slot[i]) - 1)
        last_vote = cluster.latest_block(max(voting_until - int(lag[i]), 0))
        states.append(
            VoteState(
                index=i,
                activated_stake=int(stakes[i]),
                epoch_vote_account=bool(stakes[i] > 0),
                commission=v.commission_at(epoch),
                last_vote=last_vote,
                root_slot=cluster.latest_block(max(last_vote - ROOT_DISTANCE, 0)),
                epoch_credits=history,
            )
        )
    return states


def is_delinquent(last_vote: int, slot: int, distance: int = DELINQUENT_SLOT_DISTANCE) -> bool:
    """Apply the RPC's rule: a vote account is delinquent when its last vote is too far back."""
    if slot >= distance:
        return not last_vote > slot - distance
    return not last_vote > 0
