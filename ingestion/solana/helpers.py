"""Pure conversions from solders' typed RPC responses to raw_solana rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import chain
from typing import Any

import numpy as np
import pyarrow as pa
from solders.epoch_schedule import EpochSchedule
from solders.pubkey import Pubkey
from solders.rpc.responses import (
    RpcBlockProduction,
    RpcContactInfo,
    RpcInflationRate,
    RpcInflationReward,
    RpcVoteAccountInfo,
    RpcVoteAccountStatus,
)


def epoch_bounds(schedule: EpochSchedule, epoch: int) -> tuple[int, int]:
    """First and last slot of an epoch, warm-up epochs included."""
    first = schedule.get_first_slot_in_epoch(epoch)
    return first, schedule.get_last_slot_in_epoch(epoch)


def _utc(unix: int | None) -> datetime | None:
    return None if unix is None else datetime.fromtimestamp(unix, UTC)


def epoch_row(
    schedule: EpochSchedule,
    epoch: int,
    times: tuple[int | None, int | None],
    rate: RpcInflationRate,
    observed_epoch: int,
) -> dict[str, Any]:
    """An epoch's bounds and block times, with the inflation rates observed in `observed_epoch`."""
    first, last = epoch_bounds(schedule, epoch)
    return {
        "epoch": epoch,
        "first_slot": first,
        "last_slot": last,
        "slots_in_epoch": schedule.get_slots_in_epoch(epoch),
        "start_time": _utc(times[0]),
        "end_time": _utc(times[1]),
        "inflation_total": rate.total,
        "inflation_validator": rate.validator,
        "inflation_foundation": rate.foundation,
        "observed_epoch": observed_epoch,
    }


def _accounts(status: RpcVoteAccountStatus) -> Iterator[tuple[bool, RpcVoteAccountInfo]]:
    for delinquent, accounts in ((False, status.current), (True, status.delinquent)):
        for account in accounts:
            yield delinquent, account


def vote_pubkeys(status: RpcVoteAccountStatus) -> list[str]:
    return [str(account.vote_pubkey) for _, account in _accounts(status)]


def vote_account_rows(
    status: RpcVoteAccountStatus, epoch: int, observed_epoch: int
) -> list[dict[str, Any]]:
    """One row per vote account of a getVoteAccounts snapshot, described for `epoch`.

    getVoteAccounts only knows the current bank, so stake and commission are those observed in
    `observed_epoch`; credits come from the epochCredits history, which covers ~5 recent epochs.
    """
    return [
        {
            "epoch": epoch,
            "vote_pubkey": str(account.vote_pubkey),
            "node_pubkey": str(account.node_pubkey),
            "activated_stake": account.activated_stake,
            "commission": account.commission,
            "epoch_vote_account": account.epoch_vote_account,
            "delinquent": delinquent,
            "last_vote": account.last_vote,
            "root_slot": account.root_slot,
            "credits": next((c - prev for e, c, prev in account.epoch_credits if e == epoch), None),
            "observed_epoch": observed_epoch,
        }
        for delinquent, account in _accounts(status)
    ]


def epoch_credit_rows(status: RpcVoteAccountStatus, observed_epoch: int) -> list[dict[str, Any]]:
    """Every epochCredits triple of closed epochs; the open epoch's credits are still growing."""
    return [
        {
            "epoch": epoch,
            "vote_pubkey": str(account.vote_pubkey),
            "credits": credits,
            "previous_credits": previous,
            "earned": credits - previous,
            "observed_epoch": observed_epoch,
            "source": "getVoteAccounts",
        }
        for _, account in _accounts(status)
        for epoch, credits, previous in account.epoch_credits
        if epoch < observed_epoch
    ]


def block_production_rows(production: RpcBlockProduction, epoch: int) -> list[dict[str, Any]]:
    """One row per leader identity: its leader slots and produced blocks in the epoch's range."""
    first, last = production.range.first_slot, production.range.last_slot
    return [
        {
            "epoch": epoch,
            "identity": str(identity),
            "leader_slots": counts[0],
            "blocks_produced": counts[1],
            "first_slot": first,
            "last_slot": last,
        }
        for identity, counts in production.by_identity.items()
    ]


LEADER_SCHEDULE_SCHEMA = pa.schema(
    [
        pa.field("slot", pa.int64(), nullable=False),
        pa.field("epoch", pa.int64(), nullable=False),
        pa.field("identity", pa.string(), nullable=False),
    ]
)


def leader_schedule_table(
    schedule: dict[Pubkey, list[int]], epoch: int, first_slot: int
) -> pa.Table:
    """slot -> identity for a whole epoch, as Arrow: 432,000 rows on mainnet, too many for dicts."""
    names = pa.array([str(identity) for identity in schedule], pa.string())
    counts = [len(offsets) for offsets in schedule.values()]
    offsets = np.fromiter(chain.from_iterable(schedule.values()), np.int64, sum(counts))
    owners = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
    order = np.argsort(offsets, kind="stable")
    return pa.table(
        {
            "slot": offsets[order] + first_slot,
            "epoch": np.full(len(order), epoch, np.int64),
            "identity": names.take(pa.array(owners[order])),
        },
        schema=LEADER_SCHEDULE_SCHEMA,
    )


def inflation_reward_rows(
    rewards: list[tuple[str, RpcInflationReward]], epoch: int
) -> list[dict[str, Any]]:
    return [
        {
            "epoch": epoch,
            "vote_pubkey": address,
            "amount": reward.amount,
            "post_balance": reward.post_balance,
            "commission": reward.commission,
            "effective_slot": reward.effective_slot,
        }
        for address, reward in rewards
    ]


def cluster_node_rows(nodes: list[RpcContactInfo], observed_epoch: int) -> list[dict[str, Any]]:
    return [
        {
            "observed_epoch": observed_epoch,
            "identity": str(node.pubkey),
            "version": node.version,
            "feature_set": node.feature_set,
            "gossip": node.gossip,
            "rpc": node.rpc,
            "tpu": node.tpu,
        }
        for node in nodes
    ]
