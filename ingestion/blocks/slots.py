"""Which slots of an epoch were produced, and who led each slot."""

from __future__ import annotations

from solders.commitment_config import CommitmentLevel
from solders.epoch_schedule import EpochSchedule
from solders.rpc.config import RpcLeaderScheduleConfig
from solders.rpc.requests import GetBlocks, GetLeaderSchedule
from solders.rpc.responses import GetBlocksResp, GetLeaderScheduleResp

from ingestion.rpc import SolanaRpc

FINALIZED = CommitmentLevel.Finalized


def epoch_slots(schedule: EpochSchedule, epoch: int) -> range:
    first = schedule.get_first_slot_in_epoch(epoch)
    return range(first, schedule.get_last_slot_in_epoch(epoch) + 1)


async def produced_slots(rpc: SolanaRpc, first: int, last: int) -> list[int]:
    """Slots in first..last with a finalized block; the others were skipped."""
    body = GetBlocks(first, last, FINALIZED)
    return (await rpc.call(body, GetBlocksResp, what=f"getBlocks({first}-{last})")).value


async def leaders(rpc: SolanaRpc, slots: range) -> list[str | None]:
    """The scheduled leader of every slot of an epoch, or all None if the node has no schedule."""
    body = GetLeaderSchedule(slots.start, RpcLeaderScheduleConfig(commitment=FINALIZED))
    what = f"getLeaderSchedule(slot {slots.start})"
    schedule = (await rpc.call(body, GetLeaderScheduleResp, what=what)).value
    out: list[str | None] = [None] * len(slots)
    for identity, indexes in (schedule or {}).items():
        for index in indexes:
            if index < len(out):
                out[index] = str(identity)
    return out
