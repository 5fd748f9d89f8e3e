"""The dlt source `solana`: epoch-level data of closed epochs into the `raw_solana` dataset."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from functools import cached_property
from typing import Any, TypeVar

import dlt
import pyarrow as pa
from dlt.extract.source import DltSource
from solders.epoch_schedule import EpochSchedule
from solders.rpc.responses import RpcVoteAccountStatus

from ingestion.rpc import SolanaRpc, run_sync
from ingestion.solana import fetch, helpers, steward_config, validator_history, vote_state
from ingestion.solana.cluster import RpcConfig, cluster_position, require_closed
from ingestion.solana.settings import (
    BLOCK_PRODUCTION,
    CLUSTER_NODES,
    EPOCH_CREDITS,
    EPOCHS,
    INFLATION_REWARDS,
    LEADER_SCHEDULE,
    STAKENET_CONFIG,
    VALIDATOR_HISTORY,
    VOTE_ACCOUNTS,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
Rows = Iterator[list[dict[str, Any]]]


class ClusterSnapshot:
    """What the resources of one source run share, each asked of the cluster once, when needed."""

    def __init__(self, config: RpcConfig, epochs: list[int]) -> None:
        self.config = config
        self.epochs = epochs

    def ask(self, call: Callable[[SolanaRpc], Awaitable[T]]) -> T:
        async def run() -> T:
            async with self.config.client() as rpc:
                return await call(rpc)

        return run_sync(run)

    @cached_property
    def position(self) -> tuple[EpochSchedule, int]:
        """The epoch schedule and the current epoch, once the requested epochs are known closed."""
        schedule, current = self.ask(cluster_position)
        require_closed(self.epochs, current)
        return schedule, current

    @cached_property
    def vote_accounts(self) -> tuple[RpcVoteAccountStatus, int]:
        """The getVoteAccounts snapshot and the epoch it was observed in."""
        _, current = self.position
        return self.ask(fetch.vote_accounts), current


@dlt.source(name="solana", max_table_nesting=0)
def solana_source(config: RpcConfig, epochs: list[int]) -> Any:
    """Epoch-level tables for the given closed epochs, plus snapshots of the cluster as it is."""
    cluster = ClusterSnapshot(config, epochs)

    @dlt.resource(
        name=EPOCHS.name,
        primary_key=EPOCHS.key,
        write_disposition="merge",
        columns=EPOCHS.dlt_columns(),
    )
    def epochs_resource() -> Rows:
        schedule, current = cluster.position

        async def times_and_rate(rpc: SolanaRpc) -> Any:
            bounds = [helpers.epoch_bounds(schedule, e) for e in epochs]
            times = asyncio.gather(*(fetch.epoch_times(rpc, *b) for b in bounds))
            return await asyncio.gather(times, fetch.inflation_rate(rpc))

        times, rate = cluster.ask(times_and_rate)
        yield [
            helpers.epoch_row(schedule, e, t, rate, observed_epoch=current)
            for e, t in zip(epochs, times, strict=True)
        ]

    @dlt.resource(
        name=VOTE_ACCOUNTS.name,
        primary_key=VOTE_ACCOUNTS.key,
        write_disposition="merge",
        columns=VOTE_ACCOUNTS.dlt_columns(),
    )
    def vote_accounts() -> Rows:
        status, current = cluster.vote_accounts
        for epoch in epochs:
            yield helpers.vote_account_rows(status, epoch, observed_epoch=current)

    @dlt.resource(
        name=EPOCH_CREDITS.name,
        primary_key=EPOCH_CREDITS.key,
        write_disposition="merge",
        columns=EPOCH_CREDITS.dlt_columns(),
    )
    def epoch_credits() -> Rows:
        # The whole history the snapshot holds, not only `epochs`: each snapshot adds to it.
        # Epochs before getVoteAccounts' five come from the vote accounts' own state (64).
        status, current = cluster.vote_accounts
        rows = {
            (row["epoch"], row["vote_pubkey"]): row
            for row in helpers.epoch_credit_rows(status, observed_epoch=current)
        }
        addresses = helpers.vote_pubkeys(status)
        states = cluster.ask(lambda rpc: fetch.account_data(rpc, addresses, what="vote"))
        for address, data in zip(addresses, states, strict=True):
            try:
                state = None if data is None else vote_state.decode(data)
            except vote_state.VoteStateError as exc:
                log.warning(
                    "vote account %s not decoded (%s): its older credits stay unknown", address, exc
                )
                continue
            if state is not None:
                for row in vote_state.epoch_credit_rows(address, state, epochs, current):
                    rows.setdefault((row["epoch"], address), row)
        yield list(rows.values())

    @dlt.resource(
        name=BLOCK_PRODUCTION.name,
        primary_key=BLOCK_PRODUCTION.key,
        write_disposition="merge",
        columns=BLOCK_PRODUCTION.dlt_columns(),
    )
    def block_production() -> Rows:
        # The table exists even when no epoch is reachable: dbt's staging reads it.
        yield dlt.mark.materialize_table_schema()
        schedule, _ = cluster.position

        async def all_epochs(rpc: SolanaRpc) -> Any:
            return await asyncio.gather(*(fetch.block_production(rpc, schedule, e) for e in epochs))

        for epoch, production in zip(epochs, cluster.ask(all_epochs), strict=True):
            if production is None:
                log.warning(
                    "getBlockProduction no longer reaches epoch %d (RPC nodes keep about 2.4 "
                    "epochs of slot history); its leader slots and blocks stay unknown",
                    epoch,
                )
                continue
            yield helpers.block_production_rows(production, epoch)

    @dlt.resource(
        name=LEADER_SCHEDULE.name,
        primary_key=LEADER_SCHEDULE.key,
        write_disposition="merge",
        columns=LEADER_SCHEDULE.dlt_columns(),
        file_format="csv",
    )
    def leader_schedule() -> Iterator[pa.Table]:
        # RPC nodes only know the current and next epochs' schedules: snapshot them every run so
        # that history accrues, and ask for the requested ones in case the node still has them.
        schedule, current = cluster.position
        wanted = sorted({*epochs, current, current + 1})
        firsts = [schedule.get_first_slot_in_epoch(e) for e in wanted]

        async def schedules(rpc: SolanaRpc) -> Any:
            calls = (fetch.leader_schedule(rpc, e, f) for e, f in zip(wanted, firsts, strict=True))
            return await asyncio.gather(*calls)

        for epoch, first, slots in zip(wanted, firsts, cluster.ask(schedules), strict=True):
            if slots is None:
                log.warning(
                    "getLeaderSchedule has no schedule for epoch %d (RPC nodes keep only the "
                    "current and next epochs'); loading none for it",
                    epoch,
                )
                continue
            yield helpers.leader_schedule_table(slots, epoch, first)

    @dlt.resource(
        name=INFLATION_REWARDS.name,
        primary_key=INFLATION_REWARDS.key,
        write_disposition="merge",
        columns=INFLATION_REWARDS.dlt_columns(),
    )
    def inflation_rewards() -> Rows:
        status, _ = cluster.vote_accounts
        addresses = helpers.vote_pubkeys(status)

        async def all_epochs(rpc: SolanaRpc) -> Any:
            calls = (fetch.inflation_rewards(rpc, addresses, e) for e in epochs)
            return await asyncio.gather(*calls)

        for epoch, rewards in zip(epochs, cluster.ask(all_epochs), strict=True):
            yield helpers.inflation_reward_rows(rewards, epoch)

    @dlt.resource(
        name=CLUSTER_NODES.name,
        primary_key=CLUSTER_NODES.key,
        write_disposition="merge",
        columns=CLUSTER_NODES.dlt_columns(),
    )
    def cluster_nodes() -> Rows:
        _, current = cluster.position
        yield helpers.cluster_node_rows(cluster.ask(fetch.cluster_nodes), observed_epoch=current)

    @dlt.resource(
        name=VALIDATOR_HISTORY.name,
        primary_key=VALIDATOR_HISTORY.key,
        write_disposition="merge",
        columns=VALIDATOR_HISTORY.dlt_columns(),
    )
    def validator_history_resource() -> Rows:
        # StakeNet keeps 512 epochs per validator, whatever the RPC node has forgotten. The
        # table exists even when StakeNet tracks none of them: dbt's staging reads it.
        yield dlt.mark.materialize_table_schema()
        status, current = cluster.vote_accounts
        addresses = [validator_history.address(v) for v in helpers.vote_pubkeys(status)]
        found = cluster.ask(
            lambda rpc: fetch.account_data(rpc, addresses, what="validator-history")
        )
        rows: list[dict[str, Any]] = []
        for address, data in zip(addresses, found, strict=True):
            if data is None:
                continue  # StakeNet does not track this validator
            try:
                history = validator_history.decode(data)
            except validator_history.ValidatorHistoryError as exc:
                log.warning("validator-history account %s not decoded (%s)", address, exc)
                continue
            rows += validator_history.history_rows(history, epochs, current)
        yield rows

    @dlt.resource(
        name=STAKENET_CONFIG.name,
        primary_key=STAKENET_CONFIG.key,
        write_disposition="merge",
        columns=STAKENET_CONFIG.dlt_columns(),
    )
    def stakenet_config() -> Rows:
        _, current = cluster.position
        address = steward_config.JITOSOL_CONFIG
        yield dlt.mark.materialize_table_schema()  # unreadable Config: staging reads it empty
        (data,) = cluster.ask(lambda rpc: fetch.account_data(rpc, [address], what="steward"))
        try:
            if data is not None:
                yield [steward_config.config_row(address, data, current)]
                return
            reason = "no such account"
        except steward_config.StewardConfigError as exc:
            reason = str(exc)
        log.warning(
            "StakeNet's steward Config %s is not readable (%s): scores use the documented "
            "defaults (seed stakenet_parameters)",
            address,
            reason,
        )

    return (
        epochs_resource,
        vote_accounts,
        epoch_credits,
        block_production,
        leader_schedule,
        inflation_rewards,
        cluster_nodes,
        validator_history_resource,
        stakenet_config,
    )


def make_source(config: RpcConfig, epochs: list[int]) -> DltSource:
    """A fresh source per run (dagster-dlt cannot run the same source object twice)."""
    return solana_source(config, epochs)
