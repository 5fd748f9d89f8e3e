"""Fetch one page of slots concurrently and parse each block as its answer arrives."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from solders.commitment_config import CommitmentLevel
from solders.rpc.config import RpcBlockConfig
from solders.rpc.requests import GetBlock
from solders.transaction_status import TransactionDetails, UiTransactionEncoding

from ingestion.blocks import parse
from ingestion.blocks.sample import WINDOW, is_sampled
from ingestion.blocks.slots import produced_slots
from ingestion.rpc import RpcError, SlotSkipped, SolanaRpc, paused_gc


def _config(details: TransactionDetails) -> RpcBlockConfig:
    return RpcBlockConfig(
        encoding=UiTransactionEncoding.Json,
        transaction_details=details,
        rewards=True,
        max_supported_transaction_version=0,
        commitment=CommitmentLevel.Finalized,
    )


FULL = _config(TransactionDetails.Full)
HEADER = _config(TransactionDetails.None_)


@dataclass(frozen=True)
class Batching:
    """Requests per JSON-RPC batch: many header-only blocks (tiny answers), few full blocks
    (megabytes each: a big batch would hold them all in memory at once)."""

    headers: int = 10
    full: int = 1


@dataclass(frozen=True)
class Page:
    """Slots first..last (whole leader windows) of one epoch."""

    epoch: int
    first: int
    last: int
    leaders: Sequence[str | None]  # by slot - leaders_from
    leaders_from: int
    sample_rate: float

    def leader(self, slot: int) -> str | None:
        index = slot - self.leaders_from
        return self.leaders[index] if 0 <= index < len(self.leaders) else None


async def fetch_page(rpc: SolanaRpc, page: Page, batching: Batching) -> parse.Rows:
    """Every slot of the page as rows: produced blocks fetched, skipped slots recorded."""
    rows = parse.Rows()
    produced = set(await produced_slots(rpc, page.first, page.last))
    full: list[int] = []
    headers: list[int] = []
    for start in range(page.first, page.last + 1, WINDOW):
        sampled = is_sampled(start, page.sample_rate)
        if sampled:
            parse.add_window(rows, page.epoch, start, page.leader(start), page.sample_rate)
        for slot in range(start, start + WINDOW):
            if slot in produced:
                (full if sampled else headers).append(slot)
            else:
                parse.add_skipped(rows, slot, page.epoch, page.leader(slot), sampled)

    async def fetch(slots: list[int], sampled: bool) -> None:
        config = FULL if sampled else HEADER
        answers = await rpc.batch(
            [GetBlock(slot, config) for slot in slots],
            whats=[f"getBlock(slot {slot})" for slot in slots],
        )
        with paused_gc():
            _add(rows, page, slots, answers, sampled)

    async with asyncio.TaskGroup() as group:
        for slots, sampled, size in (
            (full, True, batching.full),
            (headers, False, batching.headers),
        ):
            for i in range(0, len(slots), size):
                group.create_task(fetch(slots[i : i + size], sampled))
    return rows


def _add(rows: parse.Rows, page: Page, slots: list[int], answers: list[Any], sampled: bool) -> None:
    for slot, answer in zip(slots, answers, strict=True):
        if isinstance(answer, SlotSkipped):
            # getBlocks listed it, getBlock says skipped: the ledger's answer wins.
            parse.add_skipped(rows, slot, page.epoch, page.leader(slot), sampled)
        elif answer is None:
            raise RpcError(
                f"getBlock(slot {slot}) answered null for a produced slot: this node does "
                "not keep that block; point SOLANA_RPC_URL at an archival RPC"
            )
        else:
            parse.add_block(rows, slot, page.epoch, page.leader(slot), sampled, answer)
