"""The market tape: deterministic per chunk, conserving, and planting MEV in the right order."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from simnet.cluster import Cluster
from simnet.dex.markets import JUPITER_V6
from simnet.dex.model import ChunkTape, PlannedTx
from simnet.dex.searchers import KLEND
from simnet.dex.tape import CHUNK_SLOTS, Market
from simnet.profiles import get_profile
from simnet.schedule import SLOTS_PER_WINDOW

EPOCH = 1
CHUNKS = 6


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    return Cluster(get_profile("demo"))


@pytest.fixture(scope="module")
def market(cluster: Cluster) -> Market:
    return Market(cluster)


@pytest.fixture(scope="module")
def chunks(cluster: Cluster, market: Market) -> list[ChunkTape]:
    first = cluster.schedule.first_slot(EPOCH)
    return [market.chunk(first + k * CHUNK_SLOTS) for k in range(CHUNKS)]


def _txs(chunks: list[ChunkTape]) -> list[tuple[int, int, PlannedTx]]:
    return [
        (slot, position, tx)
        for chunk in chunks
        for slot, tape in sorted(chunk.slots.items())
        for tx, position in zip(tape.txs, tape.positions, strict=True)
    ]


def test_same_tape_whatever_order_chunks_are_asked(
    cluster: Cluster, chunks: list[ChunkTape]
) -> None:
    fresh = Market(Cluster(get_profile("demo")))
    first = cluster.schedule.first_slot(EPOCH)
    # Ask from the last slot of each chunk backwards: the chunk, not the slot, fixes the tape.
    again = [fresh.chunk(first + (k + 1) * CHUNK_SLOTS - 1) for k in reversed(range(CHUNKS))]
    assert again[::-1] == chunks
    other = Market(Cluster(get_profile("demo", seed=1))).chunk(first)
    assert other.slots != chunks[0].slots


def test_vaults_reconcile_with_every_executed_leg(market: Market, chunks: list[ChunkTape]) -> None:
    index = {spec.address: i for i, spec in enumerate(market.pools)}
    for chunk in chunks:
        vaults = [list(pair) for pair in chunk.opening_vaults]
        for _, _, tx in _txs([chunk]):
            for leg in tx.legs:
                vault = vaults[index[leg.pool.address]]
                paid, sent = (0, 1) if leg.a_to_b else (1, 0)
                # Each leg sees the balances every earlier leg left: blocks show them in order.
                assert (leg.reserve_in, leg.reserve_out) == (vault[paid], vault[sent])
                if not tx.failed:
                    vault[paid] += leg.amount_in
                    vault[sent] -= leg.amount_out
        assert [tuple(v) for v in vaults] == list(chunk.closing_vaults)
        assert all(a >= 0 and b >= 0 for a, b in chunk.closing_vaults)


def test_routes_hand_intermediate_tokens_on_whole(chunks: list[ChunkTape]) -> None:
    for _, _, tx in _txs(chunks):
        if tx.failed or not tx.legs:
            continue
        signer: Counter[str] = Counter()
        for leg in tx.legs:
            signer[leg.mint_in] -= leg.amount_in
            signer[leg.mint_out] += leg.amount_out
        # A route (or a split route's parallel hops) hands every intermediate token on whole.
        ends = {tx.legs[0].mint_in, tx.legs[-1].mint_out}
        assert all(v == 0 for mint, v in signer.items() if mint not in ends)


def test_failed_swaps_fell_short_of_their_slippage_bound(chunks: list[ChunkTape]) -> None:
    kinds: Counter[bool] = Counter()
    for _, _, tx in _txs(chunks):
        if tx.kind not in ("swap", "route"):
            continue
        kinds[tx.failed] += 1
        out = tx.legs[-1].amount_out
        assert (out < tx.min_out) == tx.failed
        assert tx.program == (JUPITER_V6 if tx.kind == "route" else tx.legs[0].pool.dex.program)
        assert [leg.inner_index for leg in tx.legs] == (
            [4 * k for k in range(len(tx.legs))] if tx.kind == "route" else [-1]
        )
    # Some swaps fail on slippage, most do not (about 9% fail on the demo profile).
    assert kinds[True] > 0 and kinds[False] > 5 * kinds[True]


def test_positions_fit_the_block_in_tape_order(cluster: Cluster, chunks: list[ChunkTape]) -> None:
    prod = cluster.production(EPOCH)
    for chunk in chunks:
        for slot, tape in chunk.slots.items():
            assert prod.produced[slot - prod.first_slot]
            assert list(tape.positions) == sorted(set(tape.positions))
            # The block's last position is its tip transaction's.
            assert tape.positions[-1] < prod.transactions[slot - prod.first_slot] - 1


def test_bundle_tips_stay_within_the_blocks_tips(
    cluster: Cluster, market: Market, chunks: list[ChunkTape]
) -> None:
    econ = cluster.blocks.economics(EPOCH)
    first = cluster.schedule.first_slot(EPOCH)
    for chunk in chunks:
        for slot, tape in chunk.slots.items():
            assert tape.tips <= econ.tips[slot - first] * market.config.mev_tip_share


def test_planted_events_in_order(market: Market, chunks: list[ChunkTape]) -> None:
    seen: Counter[str] = Counter()
    for chunk in chunks:
        for event in chunk.events:
            seen[event.type] += 1
            txs = [chunk.slots[slot].txs[k] for slot, k in event.txs]
            places = [(slot, chunk.slots[slot].positions[k]) for slot, k in event.txs]
            assert places == sorted(places) and event.slot == places[0][0]
            assert all(tx.tip == 0 for tx in txs[:-1]) and txs[-1].tip == event.tip_lamports
            _check(event.type, txs, places, event.searcher, event.victims)
    assert seen["sandwich"] and seen["arbitrage"] and seen["backrun"]


def _check(
    kind: str,
    txs: list[PlannedTx],
    places: list[tuple[int, int]],
    searcher: str,
    victims: tuple[str, ...],
) -> None:
    if kind == "sandwich":
        fronts = [tx for tx in txs if tx.kind == "sandwich_front"]
        backs = [tx for tx in txs if tx.kind == "sandwich_back"]
        middle = txs[len(fronts) : len(txs) - len(backs)]
        assert txs == [*fronts, *middle, *backs] and len(fronts) in (1, 2) and len(backs) in (1, 2)
        assert [tx.kind for tx in middle] == ["swap"] * len(middle)
        pool, a_to_b = fronts[0].legs[0].pool, fronts[0].legs[0].a_to_b
        assert all(tx.legs[0].pool == pool and len(tx.legs) == 1 for tx in txs)
        assert all(tx.legs[0].a_to_b == a_to_b for tx in fronts + middle)
        assert all(tx.legs[0].a_to_b != a_to_b for tx in backs)
        # The back-runs sell exactly what the front-runs bought.
        assert sum(t.legs[0].amount_in for t in backs) == sum(t.legs[0].amount_out for t in fronts)
        # One bot: its accounts (the signer's, or an owner several wallets sign for) throughout.
        assert {tx.owner or tx.signer for tx in fronts + backs} == {searcher}
        assert list(victims) == [tx.signer for tx in middle] and searcher not in victims
        # Front-runs and victims are adjacent; the back-runs adjacent or up to a leader window
        # later, in this window or the next.
        opening = places[: len(fronts) + len(middle)]
        assert opening == [(opening[0][0], opening[0][1] + k) for k in range(len(opening))]
        assert places[-1][0] - places[0][0] <= SLOTS_PER_WINDOW
    elif kind == "arbitrage":
        (tx,) = txs
        assert len(tx.legs) >= 2 and tx.legs[0].mint_in == tx.legs[-1].mint_out
        assert len({leg.pool.address for leg in tx.legs}) == len(tx.legs)
    elif kind == "backrun":
        large, back = txs
        assert places[1] == (places[0][0], places[0][1] + 1)
        assert large.legs[0].pool == back.legs[0].pool
        assert large.legs[0].a_to_b != back.legs[0].a_to_b
        assert back.signer == searcher != large.signer
        if len(back.legs) == 2:  # multi-leg: sells back on another pool of the pair
            first, second = back.legs
            assert second.pool != first.pool and second.mint_out == first.mint_in
    elif kind == "decoy":
        assert len(txs) == 3 and len({tx.legs[0].pool for tx in txs}) == 1
    else:
        (tx,) = txs
        assert tx.program == KLEND and tx.liquidation is not None and not tx.legs


def test_blocks_asked_side_by_side_simulate_their_chunk_once(
    cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A sampled window's blocks arrive as concurrent requests: one simulation, one tape.
    market = Market(cluster)
    simulate, calls = market._simulate, []

    def slow_simulate(first: int, last: int) -> ChunkTape:
        calls.append(first)
        time.sleep(0.2)  # long enough for every thread to ask while it runs
        return simulate(first, last)

    monkeypatch.setattr(market, "_simulate", slow_simulate)
    first = cluster.schedule.first_slot(EPOCH) + 2 * CHUNK_SLOTS
    with ThreadPoolExecutor(SLOTS_PER_WINDOW) as pool:
        tapes = list(pool.map(market.chunk, range(first, first + SLOTS_PER_WINDOW)))
    assert calls == [first]
    assert all(tape is tapes[0] for tape in tapes)
