"""Block methods: leader schedule, block lists and times, getBlock and getTransaction."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import orjson

from simnet import params
from simnet.blocks.builder import VOTE, BlockBuilder, BlockHeader, BlockPlan
from simnet.blocks.encode import dumps, encode_transaction
from simnet.blocks.model import Transaction
from simnet.blocks.signatures import locate
from simnet.blocks.voting import VoteProducer
from simnet.cluster import Cluster
from simnet.dex.tape import CHUNK_SLOTS
from simnet.errors import (
    BLOCK_NOT_AVAILABLE,
    LONG_TERM_STORAGE_SLOT_SKIPPED,
    SLOT_SKIPPED,
    UNSUPPORTED_TRANSACTION_VERSION,
    RpcError,
    invalid_params,
)
from simnet.methods.common import tip

# Mainnet's MAX_GET_CONFIRMED_BLOCKS_RANGE.
MAX_BLOCKS_RANGE = 500_000
ENCODINGS = ("json", "jsonParsed")
DETAILS = ("full", "signatures", "accounts", "none")


def _variant(value: Any, allowed: tuple[str, ...], default: str) -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        raise params.type_error(value, "a string")
    if value not in allowed:
        raise invalid_params(
            f"Invalid params: unknown variant `{value}`, expected one of "
            + ", ".join(f"`{a}`" for a in allowed)
            + "."
        )
    return value


def _confirmed(config: dict[str, Any]) -> None:
    if config.get("commitment") == "processed":
        raise invalid_params("Method does not support commitment below `confirmed`")


def get_leader_schedule(cluster: Cluster, raw: Any) -> dict[str, list[int]] | None:
    """Answer getLeaderSchedule: identity -> slot indexes in the epoch, or null if unknown."""
    first, second = params.positional(raw, 2)
    if isinstance(first, dict):
        first, second = None, first
    slot_arg = params.optional_u64(first)
    config = params.config(second)
    identity = params.pubkey(config.get("identity"))
    slot = tip(cluster, config) if slot_arg is None else slot_arg
    epoch = cluster.schedule.epoch(slot)
    # Like mainnet, the schedule is known one epoch ahead (leaderScheduleSlotOffset).
    if epoch > cluster.current_epoch() + 1:
        return None
    leaders = cluster.production(epoch).leaders
    validators = cluster.population.validators
    order = np.argsort(leaders, kind="stable")
    bounds = np.flatnonzero(np.diff(leaders[order])) + 1
    out: dict[str, list[int]] = {}
    for group in np.split(order, bounds):
        if not group.size:
            continue
        key = validators[int(leaders[group[0]])].identity
        if identity is None or key == identity:
            out[key] = group.tolist()
    return out


def _produced_between(cluster: Cluster, start: int, end: int) -> list[int]:
    out: list[int] = []
    schedule = cluster.schedule
    for epoch in range(schedule.epoch(start), schedule.epoch(end) + 1):
        prod = cluster.production(epoch)
        lo, hi = max(start, prod.first_slot), min(end, schedule.last_slot(epoch))
        hits = np.flatnonzero(prod.produced[lo - prod.first_slot : hi - prod.first_slot + 1])
        out += (hits + lo).tolist()
    return out


def get_blocks(cluster: Cluster, raw: Any) -> list[int]:
    """Answer getBlocks: produced slots in [start, end], end defaulting to the finalized slot."""
    start_raw, end_raw, cfg = params.positional(raw, 3)
    if isinstance(end_raw, dict):
        end_raw, cfg = None, end_raw
    start, end = params.u64(start_raw), params.optional_u64(end_raw)
    config = params.config(cfg)
    _confirmed(config)
    finalized = tip(cluster, config)
    end = finalized if end is None else end
    if end - start > MAX_BLOCKS_RANGE:
        raise invalid_params(f"Slot range too large; max {MAX_BLOCKS_RANGE}")
    end = min(end, finalized)
    return _produced_between(cluster, start, end) if start <= end else []


def get_blocks_with_limit(cluster: Cluster, raw: Any) -> list[int]:
    """Answer getBlocksWithLimit: up to limit produced slots from start."""
    start_raw, limit_raw, cfg = params.positional(raw, 3)
    start, limit = params.u64(start_raw), params.u64(limit_raw)
    config = params.config(cfg)
    _confirmed(config)
    if limit > MAX_BLOCKS_RANGE:
        raise invalid_params(f"Limit too large; max {MAX_BLOCKS_RANGE}")
    finalized = tip(cluster, config)
    out: list[int] = []
    # Skips are rare, so a window a little wider than the limit nearly always suffices.
    lo = start
    while len(out) < limit and lo <= finalized:
        hi = min(finalized, lo + (limit - len(out)) * 2 + 64)
        out += _produced_between(cluster, lo, hi)
        lo = hi + 1
    return out[:limit]


def get_first_available_block(cluster: Cluster, raw: Any) -> int:
    """Answer getFirstAvailableBlock: simnet keeps its whole ledger."""
    params.positional(raw, 0)
    return 0


def _not_available(slot: int) -> RpcError:
    return RpcError(BLOCK_NOT_AVAILABLE, f"Block not available for slot {slot}")


def _available(cluster: Cluster, slot: int) -> None:
    """Raise mainnet's error for a slot with no finalized block.

    -32004 for slots past the finalized tip. For skipped slots, -32007 while the slot is within
    the node's local ledger (the last `local_ledger_epochs` epochs), and -32009 for older ones,
    which mainnet RPC providers look up in long-term storage (Bigtable) and report as missing
    there; getFirstAvailableBlock stays 0 because long-term storage reaches back to genesis.
    """
    tip = cluster.current_slot()
    if slot > tip:
        raise _not_available(slot)
    if cluster.blocks.produced(slot):
        return
    profile = cluster.profile
    if slot < tip - profile.local_ledger_epochs * profile.slots_per_epoch:
        raise RpcError(
            LONG_TERM_STORAGE_SLOT_SKIPPED,
            f"Slot {slot} was skipped, or missing in long-term storage",
        )
    raise RpcError(
        SLOT_SKIPPED, f"Slot {slot} was skipped, or missing due to ledger jump to recent snapshot"
    )


def get_block_time(cluster: Cluster, raw: Any) -> int:
    """Answer getBlockTime: the unix time of a produced slot."""
    (slot_raw,) = params.positional(raw, 1)
    slot = params.u64(slot_raw)
    _available(cluster, slot)
    return cluster.blocks.block_time(slot)


def _unsupported_version() -> RpcError:
    return RpcError(
        UNSUPPORTED_TRANSACTION_VERSION,
        "Transaction version (0) is not supported by the requesting client. Please try the "
        'request again with the following configuration parameter: "maxSupportedTransactionVersion"'
        ": 0",
    )


def _max_version(config: dict[str, Any]) -> int | None:
    version = params.optional_u64(config.get("maxSupportedTransactionVersion"))
    if version is not None and version > 0:
        raise invalid_params(f"Invalid params: unsupported transaction version {version}.")
    return version


def get_block(cluster: Cluster, raw: Any) -> dict[str, Any] | orjson.Fragment:
    """Answer getBlock for a produced, finalized slot."""
    slot_raw, cfg = params.positional(raw, 2)
    slot = params.u64(slot_raw)
    if isinstance(cfg, str):
        cfg = {"encoding": cfg}  # the deprecated encoding-only form
    config = params.config(cfg)
    _confirmed(config)
    encoding = _variant(config.get("encoding"), ENCODINGS, "json")
    details = _variant(config.get("transactionDetails"), DETAILS, "full")
    rewards = params.boolean(config.get("rewards"))
    rewards = True if rewards is None else rewards
    versioned = _max_version(config) is not None
    _available(cluster, slot)
    builder = cluster.blocks
    if builder.unavailable.hit():
        raise _not_available(slot)
    # Most of an epoch is read header-only: those need no transaction planned or built.
    if details == "none":
        header = builder.header(slot)
        assert header is not None  # _available checked the slot was produced
        return block_header(builder, header, rewards)
    request = FullBlock(slot, encoding, details, rewards, versioned)
    if builder.workers is None:
        return full_block(builder, request)
    # The same bytes from a forked worker, the one that simulates the slot's market chunk.
    first, _ = builder.market.chunk_bounds(slot)
    return orjson.Fragment(builder.workers.render(first // CHUNK_SLOTS, request))


class FullBlock(NamedTuple):
    """What a getBlock answer with transactions depends on, besides the cluster."""

    slot: int
    encoding: str
    details: str
    rewards: bool
    versioned: bool


def full_block(builder: BlockBuilder, request: FullBlock) -> dict[str, Any]:
    """A produced slot's block with its transactions (or their signatures)."""
    plan = builder.plan(request.slot)
    assert plan is not None
    if request.details in ("full", "accounts") and not request.versioned and plan.has_versioned():
        raise _unsupported_version()
    block = block_header(builder, plan, request.rewards)
    if request.details == "signatures":
        block["signatures"] = [tx.signature for tx in builder.transactions(plan)]
    else:
        block["transactions"] = _transactions(
            builder, plan, request.encoding, request.details, request.rewards, request.versioned
        )
    return block


def render_full_block(builder: BlockBuilder, request: FullBlock) -> bytes:
    """full_block as the answer's JSON: what a render worker sends back."""
    return dumps(full_block(builder, request))


def block_header(
    builder: BlockBuilder, plan: BlockHeader | BlockPlan, rewards: bool
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "blockHeight": plan.block_height,
        "blockTime": plan.block_time,
        "blockhash": plan.blockhash,
        "parentSlot": plan.parent_slot,
        "previousBlockhash": plan.previous_blockhash,
    }
    if rewards:
        block["rewards"] = builder.rewards(plan)
    return block


def _transactions(
    builder: BlockBuilder,
    plan: BlockPlan,
    encoding: str,
    details: str,
    rewards: bool,
    versioned: bool,
) -> list[Any]:
    """Return a block's encoded transactions; votes come pre-rendered as orjson fragments, which
    only encode.dumps (what the dispatcher answers with) can serialise."""

    def encode(tx: Transaction) -> dict[str, Any]:
        return encode_transaction(tx, encoding, details, rewards, versioned)

    votes = builder.producers[VOTE]
    assert isinstance(votes, VoteProducer)
    vote = votes.renderer(plan, lambda tx: dumps(encode(tx)))
    return [
        orjson.Fragment(vote(index)) if kind == VOTE else encode(builder.transaction(plan, index))
        for index, kind in enumerate(plan.kinds.tolist())
    ]


def get_transaction(cluster: Cluster, raw: Any) -> dict[str, Any] | None:
    """Answer getTransaction for a signature simnet issued (null for any other)."""
    sig_raw, cfg = params.positional(raw, 2)
    if not isinstance(sig_raw, str):
        raise params.type_error(sig_raw, "a string")
    if isinstance(cfg, str):
        cfg = {"encoding": cfg}
    config = params.config(cfg)
    _confirmed(config)
    encoding = _variant(config.get("encoding"), ENCODINGS, "json")
    versioned = _max_version(config) is not None
    where = locate(cluster.seed, sig_raw)
    if where is None:
        if len(sig_raw) > 88:
            raise invalid_params("Invalid param: WrongSize")
        return None
    slot, index = where
    if slot > cluster.current_slot():
        return None
    plan = cluster.blocks.plan(slot)
    if plan is None or index >= len(plan):
        return None
    tx = cluster.blocks.transaction(plan, index)
    if tx.version is not None and not versioned:
        raise _unsupported_version()
    out = encode_transaction(tx, encoding, "full", True, versioned)
    out["blockTime"] = plan.block_time
    out["slot"] = slot
    return out


METHODS = {
    "getLeaderSchedule": get_leader_schedule,
    "getBlocks": get_blocks,
    "getBlocksWithLimit": get_blocks_with_limit,
    "getFirstAvailableBlock": get_first_available_block,
    "getBlockTime": get_block_time,
    "getBlock": get_block,
    "getTransaction": get_transaction,
}
