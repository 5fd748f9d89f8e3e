"""Ground truth of the DEX market per epoch: every executed swap leg and every planted MEV event.

An epoch's truth covers its slots up to the tip; first_slot/last_slot narrow it to a range. A
mainnet-profile epoch holds millions of swaps, more than one response should: a range longer than
MAX_TRUTH_SLOTS is refused, and evaluations there look at sampled windows.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from simnet.blocks.signatures import signature
from simnet.dex.model import ChunkTape, MevEvent, PlannedTx, TxRef
from simnet.dex.tape import Market

# A demo epoch (8,192 slots) fits; a mainnet epoch (432,000) must be asked for in ranges.
MAX_TRUTH_SLOTS = 50_000


def slot_range(
    market: Market, epoch: int, first: int | None = None, last: int | None = None
) -> tuple[int, int]:
    """Return the epoch's slots up to the tip, narrowed to [first, last] when given.

    LookupError when the epoch has not started, ValueError when the range is too long.
    """
    schedule = market.cluster.schedule
    tip = market.cluster.current_slot()
    if schedule.first_slot(epoch) > tip:
        raise LookupError(f"epoch {epoch} has not started; the tip is slot {tip}")
    lo = max(schedule.first_slot(epoch), first if first is not None else 0)
    hi = min(schedule.last_slot(epoch), tip, last if last is not None else tip)
    if hi - lo + 1 > MAX_TRUTH_SLOTS:
        raise ValueError(
            f"{hi - lo + 1} slots is more than {MAX_TRUTH_SLOTS}: narrow with first_slot/last_slot"
        )
    return lo, hi


def swaps_truth(
    market: Market, epoch: int, first: int | None = None, last: int | None = None
) -> dict[str, Any]:
    """Return the successful swap legs of an epoch's slots, in block order, and the trades:
    per transaction, the mint its trader's accounts sold and the one they bought, net over the
    legs (an arbitrage cycle sells nothing; its mint is both, with what its legs took and paid).
    Each names its transaction's shape: its kind (swap, route, arbitrage, ...) or the planted
    hard shape's (simnet/dex/shapes.py)."""
    lo, hi = slot_range(market, epoch, first, last)
    swaps, trades = [], []
    for chunk in market.chunks(lo, hi):
        for slot in sorted(chunk.slots):
            if not lo <= slot <= hi:
                continue
            tape = chunk.slots[slot]
            for tx, position in zip(tape.txs, tape.positions, strict=True):
                if tx.failed:
                    continue  # failed swaps pay fees and swap nothing
                sig = signature(market.seed, slot, position)
                if tx.legs:
                    trades.append(_trade(sig, tx))
                for leg in tx.legs:
                    swaps.append(
                        {
                            "signature": sig,
                            "outer_index": tx.outer_index,
                            "inner_index": leg.inner_index,
                            "slot": slot,
                            "dex": leg.pool.dex.name,
                            "program": leg.pool.dex.program,
                            "shape": tx.kind,
                            "pool": leg.pool.address,
                            # The owner of the token accounts that paid (not always the signer).
                            "trader": tx.owner or tx.signer,
                            "mint_in": leg.mint_in,
                            "mint_out": leg.mint_out,
                            "amount_in": leg.amount_in,
                            # What the trader's account was credited (net of a transfer fee).
                            "amount_out": leg.received,
                        }
                    )
    return {"epoch": epoch, "swaps": swaps, "trades": trades}


def _trade(sig: str, tx: PlannedTx) -> dict[str, Any]:
    """Return a transaction's trade: its trader's net flows over its legs."""
    taken: Counter[str] = Counter()
    paid: Counter[str] = Counter()
    for leg in tx.legs:
        taken[leg.mint_in] += leg.amount_in
        paid[leg.mint_out] += leg.received
    net = {mint: paid[mint] - taken[mint] for mint in taken.keys() | paid.keys()}
    sold = [mint for mint, value in net.items() if value < 0]
    bought = [mint for mint, value in net.items() if value > 0]
    if len(sold) == 1 and len(bought) == 1:
        mint_in, mint_out = sold[0], bought[0]
        amount_in, amount_out = -net[mint_in], net[mint_out]
    else:  # a cycle: the mint it starts and ends in
        mint_in, mint_out = tx.legs[0].mint_in, tx.legs[-1].mint_out
        amount_in, amount_out = taken[mint_in], paid[mint_out]
    return {
        "signature": sig,
        "shape": tx.kind,
        "trader": tx.owner or tx.signer,
        "mint_in": mint_in,
        "amount_in": amount_in,
        "mint_out": mint_out,
        "amount_out": amount_out,
        "is_arbitrage": mint_in == mint_out,
    }


def _with_bystanders(chunk: ChunkTape, event: MevEvent) -> tuple[tuple[TxRef, ...], list[str]]:
    """A sandwich's transactions, with every other party's successful swap on its pool in the
    front-run's direction between its first front-run and first back-run (the planted victims'
    neighbours paid the inflated price too), and its victims: the owners of the accounts that
    paid, once each, in block order."""
    own = {
        ref: tx
        for ref in event.txs
        if (tx := chunk.slots[ref[0]].txs[ref[1]]).kind in ("sandwich_front", "sandwich_back")
    }
    front = next(tx for tx in own.values() if tx.kind == "sandwich_front").legs[0]
    start = event.txs[0]
    end = min(ref for ref, tx in own.items() if tx.kind == "sandwich_back")
    refs = set(event.txs)
    for slot in range(start[0], end[0] + 1):
        tape = chunk.slots.get(slot)
        for k, tx in enumerate(tape.txs if tape else ()):
            if (
                not start < (slot, k) < end
                or tx.failed
                or (tx.owner or tx.signer) == event.searcher
            ):
                continue
            if any(
                leg.pool.address == front.pool.address and leg.mint_in == front.mint_in
                for leg in tx.legs
            ):
                refs.add((slot, k))
    # A slot's planned transactions are in block order: (slot, index) orders them.
    ordered = tuple(sorted(refs))
    victims: list[str] = []
    for slot, k in ordered:
        tx = chunk.slots[slot].txs[k]
        party = tx.owner or tx.signer
        if (slot, k) not in own and party not in victims:
            victims.append(party)
    return ordered, victims


def mev_truth(
    market: Market, epoch: int, first: int | None = None, last: int | None = None
) -> dict[str, Any]:
    """Return the MEV events planted wholly in an epoch's slots, and the colluding validators.

    Events of type "decoy" are honest activity shaped like MEV: detecting one is a false
    positive.
    """
    lo, hi = slot_range(market, epoch, first, last)
    events = []
    for chunk in market.chunks(lo, hi):
        for event in chunk.events:
            if not lo <= event.txs[0][0] <= event.txs[-1][0] <= hi:
                continue
            refs, victims = event.txs, list(event.victims)
            if event.type == "sandwich":
                refs, victims = _with_bystanders(chunk, event)
            events.append(
                {
                    "type": event.type,
                    "slot": event.slot,
                    "signatures": market.signatures(refs),
                    "searcher": event.searcher,
                    "victims": victims,
                    "pools": list(event.pools),
                    "profit_mint": event.profit_mint,
                    "profit_amount": event.profit_amount,
                    "profit_lamports": event.profit_lamports,
                    "tip_lamports": event.tip_lamports,
                    "victim_loss_lamports": event.victim_loss_lamports,
                    # Which honest shape a "decoy" is (simnet/dex/decoys.py); null for MEV.
                    "decoy": event.decoy,
                }
            )
    colluding = [
        {"vote_account": v.vote_account, "identity": v.identity}
        for v in market.cluster.population.validators
        if v.colludes and v.first_epoch <= epoch
    ]
    return {"epoch": epoch, "events": events, "colluding_validators": colluding}
