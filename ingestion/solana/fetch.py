"""The epoch-level JSON-RPC calls, each answered by solders' typed response classes."""

from __future__ import annotations

import asyncio

from solders.account_decoder import UiAccountEncoding
from solders.epoch_schedule import EpochSchedule
from solders.pubkey import Pubkey
from solders.rpc.config import (
    RpcAccountInfoConfig,
    RpcBlockProductionConfig,
    RpcBlockProductionConfigRange,
    RpcEpochConfig,
    RpcGetVoteAccountsConfig,
    RpcLeaderScheduleConfig,
)
from solders.rpc.requests import (
    GetBlockProduction,
    GetBlocks,
    GetBlocksWithLimit,
    GetBlockTime,
    GetClusterNodes,
    GetInflationRate,
    GetInflationReward,
    GetLeaderSchedule,
    GetMultipleAccounts,
    GetVoteAccounts,
)
from solders.rpc.responses import (
    GetBlockProductionResp,
    GetBlocksResp,
    GetBlocksWithLimitResp,
    GetBlockTimeResp,
    GetClusterNodesResp,
    GetInflationRateResp,
    GetInflationRewardResp,
    GetLeaderScheduleResp,
    GetMultipleAccountsResp,
    GetVoteAccountsResp,
    RpcBlockProduction,
    RpcContactInfo,
    RpcInflationRate,
    RpcInflationReward,
    RpcVoteAccountStatus,
)

from ingestion.rpc import RpcError, SlotSkipped, SolanaRpc
from ingestion.solana.cluster import FINALIZED
from ingestion.solana.helpers import epoch_bounds

# Addresses per getInflationReward request: a few kB of body, well under nodes' request limits.
INFLATION_REWARD_CHUNK = 100
# getMultipleAccounts takes at most 100 keys (agave's MAX_MULTIPLE_ACCOUNTS).
MULTIPLE_ACCOUNTS_CHUNK = 100
# First window searched back from an epoch's last slot for its last block; doubled until found.
LAST_BLOCK_WINDOW = 64

LeaderSchedule = dict[Pubkey, list[int]]


async def vote_accounts(rpc: SolanaRpc) -> RpcVoteAccountStatus:
    body = GetVoteAccounts(
        RpcGetVoteAccountsConfig(commitment=FINALIZED, keep_unstaked_delinquents=True)
    )
    return (await rpc.call(body, GetVoteAccountsResp, what="getVoteAccounts")).value


async def block_production(
    rpc: SolanaRpc, schedule: EpochSchedule, epoch: int
) -> RpcBlockProduction | None:
    """The epoch's production; None when the node's SlotHistory no longer reaches its start."""
    first, last = epoch_bounds(schedule, epoch)
    body = GetBlockProduction(
        RpcBlockProductionConfig(
            range=RpcBlockProductionConfigRange(first_slot=first, last_slot=last),
            commitment=FINALIZED,
        )
    )
    what = f"getBlockProduction(epoch {epoch}, slots {first}-{last})"
    try:
        return (await rpc.call(body, GetBlockProductionResp, what=what)).value
    except RpcError as err:
        # Agave keeps SlotHistory's last 1,048,576 slots (~2.4 epochs) and refuses older ranges.
        if "RPC error -32602" in str(err) and "is too small" in str(err):
            return None
        raise


async def _block_time(rpc: SolanaRpc, slot: int) -> int | None:
    what = f"getBlockTime({slot})"
    try:
        return (await rpc.call(GetBlockTime(slot), GetBlockTimeResp, what=what)).value
    except SlotSkipped:
        # A produced slot answered as "skipped, or missing in long-term storage": time unknown.
        return None


async def epoch_times(rpc: SolanaRpc, first: int, last: int) -> tuple[int | None, int | None]:
    """Unix block times of the first and last produced blocks in [first, last]; None if unknown."""
    what = f"getBlocksWithLimit({first}, 1)"
    found = (
        await rpc.call(GetBlocksWithLimit(first, 1, FINALIZED), GetBlocksWithLimitResp, what=what)
    ).value
    if not found or found[0] > last:
        return None, None
    start = found[0]
    # Walk back from the epoch's end in widening windows, down to the first block at worst.
    end, high, width = start, last, LAST_BLOCK_WINDOW
    while high > start:
        low = max(start, high - width + 1)
        what = f"getBlocks({low}, {high})"
        blocks = (await rpc.call(GetBlocks(low, high, FINALIZED), GetBlocksResp, what=what)).value
        if blocks:
            end = max(blocks)
            break
        high, width = low - 1, width * 2
    start_time, end_time = await asyncio.gather(_block_time(rpc, start), _block_time(rpc, end))
    return start_time, end_time


async def inflation_rate(rpc: SolanaRpc) -> RpcInflationRate:
    return (await rpc.call(GetInflationRate(), GetInflationRateResp, what="getInflationRate")).value


async def leader_schedule(rpc: SolanaRpc, epoch: int, first_slot: int) -> LeaderSchedule | None:
    """Identity -> slot offsets within the epoch; None when the node no longer knows it."""
    body = GetLeaderSchedule(first_slot, RpcLeaderScheduleConfig(commitment=FINALIZED))
    what = f"getLeaderSchedule(epoch {epoch}, slot {first_slot})"
    return (await rpc.call(body, GetLeaderScheduleResp, what=what)).value


async def inflation_rewards(
    rpc: SolanaRpc, addresses: list[str], epoch: int
) -> list[tuple[str, RpcInflationReward]]:
    """(address, reward) for the addresses that got one in `epoch`; null entries are dropped."""

    async def chunk(part: list[str]) -> list[tuple[str, RpcInflationReward]]:
        body = GetInflationReward(
            [Pubkey.from_string(a) for a in part], RpcEpochConfig(epoch=epoch, commitment=FINALIZED)
        )
        what = f"getInflationReward(epoch {epoch}, {len(part)} addresses from {part[0]})"
        rewards = (await rpc.call(body, GetInflationRewardResp, what=what)).value
        return [(a, r) for a, r in zip(part, rewards, strict=True) if r is not None]

    step = INFLATION_REWARD_CHUNK
    parts = [addresses[i : i + step] for i in range(0, len(addresses), step)]
    results = await asyncio.gather(*(chunk(p) for p in parts))
    return [pair for result in results for pair in result]


async def cluster_nodes(rpc: SolanaRpc) -> list[RpcContactInfo]:
    return (await rpc.call(GetClusterNodes(), GetClusterNodesResp, what="getClusterNodes")).value


async def account_data(rpc: SolanaRpc, addresses: list[str], what: str) -> list[bytes | None]:
    """Each address's account data (None where there is no account), read at finalized."""
    config = RpcAccountInfoConfig(encoding=UiAccountEncoding.Base64, commitment=FINALIZED)

    async def chunk(part: list[str]) -> list[bytes | None]:
        body = GetMultipleAccounts([Pubkey.from_string(a) for a in part], config)
        label = f"getMultipleAccounts({len(part)} {what} accounts from {part[0]})"
        found = (await rpc.call(body, GetMultipleAccountsResp, what=label)).value
        return [None if account is None else bytes(account.data) for account in found]

    step = MULTIPLE_ACCOUNTS_CHUNK
    parts = [addresses[i : i + step] for i in range(0, len(addresses), step)]
    results = await asyncio.gather(*(chunk(p) for p in parts))
    return [data for result in results for data in result]
