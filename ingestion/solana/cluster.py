"""Where the cluster is: the RPC endpoint's settings, the epoch schedule and the current epoch."""

from __future__ import annotations

from dataclasses import dataclass

from solders.commitment_config import CommitmentLevel
from solders.epoch_schedule import EpochSchedule
from solders.rpc.config import RpcContextConfig
from solders.rpc.requests import GetEpochSchedule, GetSlot
from solders.rpc.responses import GetEpochScheduleResp, GetSlotResp

from ingestion.retry import DEFAULT_WAITS, WaitLimits
from ingestion.rpc import SolanaRpc, run_sync

FINALIZED = CommitmentLevel.Finalized


@dataclass(frozen=True)
class RpcConfig:
    """Where and how fast to ask; `url` may hold an API key and is never logged."""

    url: str
    max_rps: float = 8.0
    concurrency: int = 4
    limits: WaitLimits = DEFAULT_WAITS

    def client(self) -> SolanaRpc:
        return SolanaRpc(
            self.url, max_rps=self.max_rps, concurrency=self.concurrency, limits=self.limits
        )


async def cluster_position(rpc: SolanaRpc) -> tuple[EpochSchedule, int]:
    """The epoch schedule and the current (open) epoch at finalized commitment.

    The epoch comes from getSlot and the schedule rather than getEpochInfo, whose shape changed
    over the years (nodes before 2021 send no blockHeight, which solders requires).
    """
    schedule = await rpc.call(GetEpochSchedule(), GetEpochScheduleResp, what="getEpochSchedule")
    slot = await rpc.call(
        GetSlot(RpcContextConfig(commitment=FINALIZED)), GetSlotResp, what="getSlot"
    )
    return schedule.value, schedule.value.get_epoch(slot.value)


def closed_epochs(config: RpcConfig) -> tuple[EpochSchedule, int]:
    """Schedule and current epoch; every epoch below the current one is closed."""

    async def fetch() -> tuple[EpochSchedule, int]:
        async with config.client() as rpc:
            return await cluster_position(rpc)

    return run_sync(fetch)


def require_closed(epochs: list[int], current: int) -> None:
    open_ = [e for e in epochs if e >= current]
    if open_:
        raise ValueError(f"epochs {open_} are not closed yet (the cluster is in epoch {current})")
