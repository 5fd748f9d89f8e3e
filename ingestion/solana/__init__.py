"""dlt source `solana`: epoch-level data of closed epochs into the `raw_solana` dataset."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dlt
from dlt.extract.source import DltSource
from solders.commitment_config import CommitmentLevel
from solders.epoch_schedule import EpochSchedule
from solders.rpc.config import (
    RpcBlockProductionConfig,
    RpcBlockProductionConfigRange,
    RpcContextConfig,
    RpcGetVoteAccountsConfig,
)
from solders.rpc.requests import GetBlockProduction, GetEpochInfo, GetEpochSchedule, GetVoteAccounts
from solders.rpc.responses import (
    GetBlockProductionResp,
    GetEpochInfoResp,
    GetEpochScheduleResp,
    GetVoteAccountsResp,
)

from ingestion.rpc import SolanaRpc, run_sync
from ingestion.solana import helpers
from ingestion.solana.settings import (
    BLOCK_PRODUCTION_COLUMNS,
    EPOCH_COLUMNS,
    VOTE_ACCOUNT_COLUMNS,
)

FINALIZED = CommitmentLevel.Finalized


@dataclass(frozen=True)
class RpcConfig:
    """Where and how fast to ask; `url` may hold an API key and is never logged."""

    url: str
    max_rps: float = 8.0
    concurrency: int = 4

    def client(self) -> SolanaRpc:
        return SolanaRpc(self.url, max_rps=self.max_rps, concurrency=self.concurrency)


async def cluster_position(rpc: SolanaRpc) -> tuple[EpochSchedule, int]:
    """The epoch schedule and the current (open) epoch at finalized commitment."""
    schedule = await rpc.call(GetEpochSchedule(), GetEpochScheduleResp, what="getEpochSchedule")
    info = await rpc.call(
        GetEpochInfo(RpcContextConfig(commitment=FINALIZED)), GetEpochInfoResp, what="getEpochInfo"
    )
    return schedule.value, info.value.epoch


def closed_epochs(config: RpcConfig) -> tuple[EpochSchedule, int]:
    """Schedule and current epoch; every epoch below the current one is closed."""

    async def fetch() -> tuple[EpochSchedule, int]:
        async with config.client() as rpc:
            return await cluster_position(rpc)

    return run_sync(fetch)


def _require_closed(epochs: list[int], current: int) -> None:
    open_ = [e for e in epochs if e >= current]
    if open_:
        raise ValueError(f"epochs {open_} are not closed yet (the cluster is in epoch {current})")


@dlt.source(name="solana", max_table_nesting=0)
def solana_source(config: RpcConfig, epochs: list[int]) -> Any:
    """Epochs, vote accounts and block production for the given closed epochs."""

    @dlt.resource(
        name="epochs", primary_key="epoch", write_disposition="merge", columns=EPOCH_COLUMNS
    )
    def epochs_resource() -> Iterator[list[dict[str, Any]]]:
        schedule, current = closed_epochs(config)
        _require_closed(epochs, current)
        yield [helpers.epoch_row(schedule, e) for e in epochs]

    @dlt.resource(
        name="vote_accounts",
        primary_key=("epoch", "vote_pubkey"),
        write_disposition="merge",
        columns=VOTE_ACCOUNT_COLUMNS,
    )
    def vote_accounts() -> Iterator[list[dict[str, Any]]]:
        async def fetch() -> tuple[int, Any]:
            async with config.client() as rpc:
                _, current = await cluster_position(rpc)
                body = GetVoteAccounts(
                    RpcGetVoteAccountsConfig(commitment=FINALIZED, keep_unstaked_delinquents=True)
                )
                resp = await rpc.call(body, GetVoteAccountsResp, what="getVoteAccounts")
                return current, resp.value

        current, status = run_sync(fetch)
        _require_closed(epochs, current)
        for epoch in epochs:
            yield helpers.vote_account_rows(status, epoch, observed_epoch=current)

    @dlt.resource(
        name="block_production",
        primary_key=("epoch", "identity"),
        write_disposition="merge",
        columns=BLOCK_PRODUCTION_COLUMNS,
    )
    def block_production() -> Iterator[list[dict[str, Any]]]:
        async def fetch(epoch: int, schedule: EpochSchedule) -> Any:
            first, last = helpers.epoch_bounds(schedule, epoch)
            body = GetBlockProduction(
                RpcBlockProductionConfig(
                    range=RpcBlockProductionConfigRange(first_slot=first, last_slot=last),
                    commitment=FINALIZED,
                )
            )
            async with config.client() as rpc:
                what = f"getBlockProduction(epoch {epoch}, slots {first}-{last})"
                return (await rpc.call(body, GetBlockProductionResp, what=what)).value

        schedule, current = closed_epochs(config)
        _require_closed(epochs, current)
        for epoch in epochs:
            production = run_sync(lambda e=epoch: fetch(e, schedule))  # type: ignore[misc]
            yield helpers.block_production_rows(production, epoch)

    return epochs_resource, vote_accounts, block_production


def make_source(config: RpcConfig, epochs: list[int]) -> DltSource:
    """A fresh source per run (dagster-dlt cannot run the same source object twice)."""
    return solana_source(config, epochs)
