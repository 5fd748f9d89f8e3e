"""Pure conversions from solders' typed RPC responses to raw_solana rows."""

from __future__ import annotations

from typing import Any

from solders.epoch_schedule import EpochSchedule
from solders.rpc.responses import RpcBlockProduction, RpcVoteAccountStatus


def epoch_bounds(schedule: EpochSchedule, epoch: int) -> tuple[int, int]:
    """First and last slot of an epoch, warm-up epochs included."""
    first = schedule.get_first_slot_in_epoch(epoch)
    return first, schedule.get_last_slot_in_epoch(epoch)


def epoch_row(schedule: EpochSchedule, epoch: int) -> dict[str, Any]:
    first, last = epoch_bounds(schedule, epoch)
    return {
        "epoch": epoch,
        "first_slot": first,
        "last_slot": last,
        "slots_in_epoch": schedule.get_slots_in_epoch(epoch),
    }


def vote_account_rows(
    status: RpcVoteAccountStatus, epoch: int, observed_epoch: int
) -> list[dict[str, Any]]:
    """One row per vote account of a getVoteAccounts snapshot, described for `epoch`.

    getVoteAccounts only knows the current bank, so stake and commission are those observed in
    `observed_epoch`; credits come from the epochCredits history, which covers ~5 recent epochs.
    """
    rows = []
    for delinquent, accounts in ((False, status.current), (True, status.delinquent)):
        for account in accounts:
            credits = next((c - prev for e, c, prev in account.epoch_credits if e == epoch), None)
            rows.append(
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
                    "credits": credits,
                    "observed_epoch": observed_epoch,
                }
            )
    return rows


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
