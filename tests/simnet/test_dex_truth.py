"""DEX ground truth per epoch: volumes on every DEX, MEV rates in range, colluders stand out."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from simnet.blocks.signatures import locate
from simnet.cluster import Cluster
from simnet.dex.config import DexConfig
from simnet.dex.markets import DEXES, JUPITER_V6, PUMPFUN_CURVE
from simnet.dex.shapes import SHAPES
from simnet.dex.tape import CHUNK_SLOTS, Market
from simnet.dex.tokens import SOL
from simnet.dex.truth import mev_truth, swaps_truth
from simnet.profiles import get_profile
from simnet.schedule import SLOTS_PER_WINDOW

EPOCH = 1


@pytest.fixture(scope="module")
def market() -> Market:
    return Market(Cluster(get_profile("demo")))


@pytest.fixture(scope="module")
def swaps(market: Market) -> dict[str, Any]:
    return swaps_truth(market, EPOCH)


@pytest.fixture(scope="module")
def mev(market: Market) -> dict[str, Any]:
    return mev_truth(market, EPOCH)


def _nonvote(cluster: Cluster, first: int, last: int) -> float:
    # Non-vote transactions the builder draws: the profile's user share of each block.
    prod = cluster.production(cluster.schedule.epoch(first))
    txs = prod.transactions[first - prod.first_slot : last - prod.first_slot + 1]
    return float(txs.sum()) * cluster.profile.user_tx_share


def _rates(events: list[dict[str, Any]], nonvote: float) -> dict[str, float]:
    counts = Counter(e["type"] for e in events)
    return {kind: 1_000 * n / nonvote for kind, n in counts.items()}


def _assert_in_ranges(rates: dict[str, float], config: DexConfig) -> None:
    for kind, bounds in (
        ("sandwich", config.sandwiches_per_1000),
        ("arbitrage", config.arbitrages_per_1000),
        ("backrun", config.backruns_per_1000),
    ):
        assert bounds[0] <= rates.get(kind, 0.0) <= bounds[1], (kind, rates)


def test_demo_epoch_has_thousands_of_swaps_on_every_dex(swaps: dict[str, Any]) -> None:
    assert swaps["epoch"] == EPOCH
    legs = swaps["swaps"]
    # The ordinary market (the planted hard shapes trade pools of their own).
    per_dex = Counter(leg["dex"] for leg in legs if leg["shape"] not in SHAPES)
    assert len(legs) > 20_000
    assert set(per_dex) == {dex.name for dex in DEXES}
    assert min(per_dex.values()) > 1_000
    keys = {(leg["signature"], leg["outer_index"], leg["inner_index"]) for leg in legs}
    assert len(keys) == len(legs)  # the key of fct_dex_swaps


def test_every_hard_shape_is_planted_with_its_truth(swaps: dict[str, Any]) -> None:
    registry = {row["program_id"] for row in _registry()}
    legs: dict[str, list[dict[str, Any]]] = {}
    for leg in swaps["swaps"]:
        legs.setdefault(leg["signature"], []).append(leg)
    shapes: Counter[str] = Counter()
    for trade in swaps["trades"]:
        shape, tx_legs = trade["shape"], legs[trade["signature"]]
        shapes[shape] += 1
        programs = [leg["program"] for leg in tx_legs]
        unlisted = [p not in registry for p in programs]
        if shape == "unlisted_venue":
            assert unlisted == [True]
        elif shape in ("relayed", "program_owned"):
            assert not any(unlisted) and {leg["trader"] for leg in tx_legs} == {trade["trader"]}
        elif shape == "three_venue_route":
            assert len(set(programs)) == 3 and not any(unlisted)
        elif shape == "route_unlisted_leg":
            assert len(tx_legs) == 3 and unlisted == [False, True, False]
        elif shape == "split_route":
            # Two parallel legs sell the same mint, a third sells what they bought together.
            first, second, third = tx_legs
            assert first["mint_in"] == second["mint_in"] and first["pool"] != second["pool"]
            assert third["amount_in"] == first["amount_out"] + second["amount_out"]
        elif shape in ("curve_buy", "curve_sell"):
            assert programs == [PUMPFUN_CURVE.program]
            assert (tx_legs[0]["mint_in"] == SOL.mint) == (shape == "curve_buy")
        # A trade is its trader's net flows: a chain from the sold mint to the bought one.
        if not trade["is_arbitrage"]:
            assert (trade["mint_in"], trade["mint_out"]) == (
                tx_legs[0]["mint_in"],
                tx_legs[-1]["mint_out"],
            )
            sold = sum(leg["amount_in"] for leg in tx_legs if leg["mint_in"] == trade["mint_in"])
            assert trade["amount_in"] == sold
            assert trade["amount_out"] == tx_legs[-1]["amount_out"]
    # Every shape, a few of each in an epoch; routed shapes run under Jupiter.
    assert set(SHAPES) <= set(shapes) and min(shapes[s] for s in SHAPES) >= 3
    assert all(
        leg["inner_index"] >= 0
        for leg in swaps["swaps"]
        if leg["shape"] in ("relayed", "three_venue_route", "split_route")
    )
    assert JUPITER_V6 not in {leg["program"] for leg in swaps["swaps"]}


def _registry() -> list[dict[str, str]]:
    path = Path(__file__).parents[2] / "dbt_project" / "seeds" / "dex_programs.csv"
    with path.open(newline="") as seed:
        return list(csv.DictReader(seed))


def test_signatures_point_at_their_block_positions(market: Market, swaps: dict[str, Any]) -> None:
    for leg in swaps["swaps"][:2_000]:
        slot, position = locate(market.seed, leg["signature"]) or (-1, -1)
        assert slot == leg["slot"]
        tape = market.slot(slot)
        assert tape is not None and position in tape.positions


def test_demo_epoch_rates_fall_in_the_configured_ranges(
    market: Market, mev: dict[str, Any]
) -> None:
    cluster = market.cluster
    first, last = cluster.schedule.first_slot(EPOCH), cluster.schedule.last_slot(EPOCH)
    events = mev["events"]
    kinds = {"sandwich", "arbitrage", "backrun", "liquidation", "decoy"}
    assert {e["type"] for e in events} == kinds
    _assert_in_ranges(_rates(events, _nonvote(cluster, first, last)), market.config)


def test_mainnet_rates_on_a_sample_of_chunks() -> None:
    market = Market(Cluster(get_profile("mainnet")))
    cluster = market.cluster
    first = cluster.schedule.first_slot(3)
    events: list[dict[str, Any]] = []
    nonvote = 0.0
    for k in range(0, 400, 50):  # eight chunks spread over the epoch
        chunk = market.chunk(first + k * CHUNK_SLOTS)
        events += [{"type": e.type} for e in chunk.events]
        nonvote += _nonvote(cluster, chunk.first_slot, chunk.last_slot)
    _assert_in_ranges(_rates(events, nonvote), market.config)


def test_colluding_leaders_carry_far_more_sandwiches(market: Market, mev: dict[str, Any]) -> None:
    cluster = market.cluster
    prod = cluster.production(EPOCH)
    colluders = {v["vote_account"] for v in mev["colluding_validators"]}
    assert colluders
    colludes = np.array([v.vote_account in colluders for v in cluster.population.validators])
    sandwiched = {e["slot"] for e in mev["events"] if e["type"] == "sandwich"}
    produced = np.flatnonzero(prod.produced)
    by_colluder = colludes[prod.leaders[produced]]
    hit = np.array([prod.first_slot + i in sandwiched for i in produced])
    assert by_colluder.any()
    assert hit[by_colluder].mean() > 5 * hit[~by_colluder].mean()


def test_events_list_their_signatures_in_block_order(mev: dict[str, Any]) -> None:
    seed = 0
    for event in mev["events"]:
        places = [locate(seed, sig) for sig in event["signatures"]]
        assert places == sorted(places)  # type: ignore[type-var]
        assert event["slot"] == places[0][0]  # type: ignore[index]
        slots = [slot for slot, _ in places]  # type: ignore[misc]
        if event["type"] == "sandwich":
            # The last back-run at most a leader window's length after the first front-run,
            # in this window or the next; victims are named once each.
            assert len(event["signatures"]) >= 3 and event["victims"]
            assert len(set(event["victims"])) == len(event["victims"])
            assert event["victim_loss_lamports"] > 0
            assert slots[-1] - slots[0] <= SLOTS_PER_WINDOW
        else:
            assert len({slot // SLOTS_PER_WINDOW for slot in slots}) == 1
        if event["type"] in ("sandwich", "arbitrage", "backrun"):
            assert event["tip_lamports"] >= 1_000


def test_a_slot_range_narrows_the_epochs_truth(
    market: Market, swaps: dict[str, Any], mev: dict[str, Any]
) -> None:
    first, last = 8_192 + 1_000, 8_192 + 1_600
    narrow = swaps_truth(market, EPOCH, first, last)["swaps"]
    assert narrow == [s for s in swaps["swaps"] if first <= s["slot"] <= last]
    events = mev_truth(market, EPOCH, first, last)["events"]
    inside = [e for e in mev["events"] if first <= e["slot"]]
    assert events and events == [
        e
        for e in inside
        if all(first <= locate(0, s)[0] <= last for s in e["signatures"])  # type: ignore[index]
    ]
    with pytest.raises(LookupError):
        swaps_truth(market, 99)


def test_a_mainnet_epoch_is_asked_for_in_ranges() -> None:
    market = Market(Cluster(get_profile("mainnet")))
    with pytest.raises(ValueError, match="narrow"):
        mev_truth(market, 3)
    first = market.cluster.schedule.first_slot(3)
    window = swaps_truth(market, 3, first, first + 99)["swaps"]
    assert window and all(first <= s["slot"] < first + 100 for s in window)


def test_the_truth_plants_the_hard_shapes_and_their_decoys(
    market: Market, mev: dict[str, Any]
) -> None:
    """Every shape issue 16 names is planted: multi-wallet, split and cross-window sandwiches,
    split-route arbitrage, multi-leg backruns, and decoys of both kinds, marked as decoys."""
    events = mev["events"]
    tape = {
        market.signatures(((slot, k),))[0]: tx
        for chunk in market.chunks(8_192, 2 * 8_192 - 1)
        for slot, slot_tape in chunk.slots.items()
        for k, tx in enumerate(slot_tape.txs)
    }
    sandwiches = [e for e in events if e["type"] == "sandwich"]
    shapes: Counter[str] = Counter()
    for e in sandwiches:
        # The bot's own transactions (another bot's may be among the victims).
        own = [
            tx
            for tx in (tape[s] for s in e["signatures"])
            if tx.kind.startswith("sandwich_") and (tx.owner or tx.signer) == e["searcher"]
        ]
        fronts = [tx for tx in own if tx.kind == "sandwich_front"]
        if len({tx.signer for tx in own}) == 2:
            # Two wallets of one bot: both move the accounts the event names as searcher.
            assert {tx.owner for tx in own} == {e["searcher"]}
            shapes["multi-wallet"] += 1
        shapes["split front"] += len(fronts) == 2
        shapes["split back"] += len(own) - len(fronts) == 2
        slots = [locate(0, s)[0] for s in e["signatures"]]  # type: ignore[index]
        shapes["cross-window"] += slots[0] // SLOTS_PER_WINDOW != slots[-1] // SLOTS_PER_WINDOW
    assert min(shapes.values()) >= 3 and len(shapes) == 4, shapes
    backruns = [e for e in events if e["type"] == "backrun"]
    assert sum(len(e["pools"]) == 2 for e in backruns) >= 3
    split = [e for e in events if e["type"] == "arbitrage" and len(set(e["pools"])) == 3]
    assert any(len(tape[e["signatures"][0]].legs) == 3 for e in split)
    decoys = [e for e in events if e["type"] == "decoy"]
    assert Counter(e["decoy"] for e in decoys).keys() == {"round_trip", "organic"}
    assert all(e["tip_lamports"] == 0 and e["profit_lamports"] == 0 for e in decoys)
    for e in decoys:
        first, *_, last = (tape[s] for s in e["signatures"])
        if e["decoy"] == "round_trip":
            assert first.signer == last.signer and first.kind == last.kind == "route"
        else:
            assert len({tape[s].signer for s in e["signatures"]}) == 3 or first.failed
    assert all(e["decoy"] is None for e in events if e["type"] != "decoy")
