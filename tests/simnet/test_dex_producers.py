"""Planned swaps rendered as transactions: balances add up, truth indexes hit, solders parses."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from solders.transaction_status import EncodedTransactionWithStatusMeta

from simnet.blocks.encode import encode_transaction
from simnet.blocks.model import Transaction
from simnet.cluster import Cluster
from simnet.dex.model import PlannedTx
from simnet.dex.producers import render
from simnet.dex.tape import Market
from simnet.profiles import get_profile

SLOT = 8_192 + 512


@pytest.fixture(scope="module")
def rendered() -> list[tuple[PlannedTx, Transaction]]:
    market = Market(Cluster(get_profile("demo")))
    chunk = market.chunk(SLOT)
    out = []
    for slot, tape in sorted(chunk.slots.items()):
        for tx, position in zip(tape.txs, tape.positions, strict=True):
            built = render(
                tx,
                seed=0,
                slot=slot,
                index=position,
                recent_blockhash="11111111111111111111111111111111",
                priority_fee=1_000 + position,
                balance=2_000_000_000,
            )
            out.append((tx, built))
    return out


def test_every_kind_is_rendered(rendered: list[tuple[PlannedTx, Transaction]]) -> None:
    kinds = Counter(tx.kind for tx, _ in rendered)
    assert {"swap", "route", "arbitrage", "backrun", "sandwich_front"} <= set(kinds)
    assert any(tx.failed for tx, _ in rendered) and any(tx.wrap_in for tx, _ in rendered)
    # Routers load pool accounts from a lookup table, as on mainnet.
    assert any(built.loaded_writable for tx, built in rendered if tx.kind == "route")


def test_lamports_lose_only_the_fee(rendered: list[tuple[PlannedTx, Transaction]]) -> None:
    for _, built in rendered:
        assert len(built.pre_balances) == len(built.post_balances) == len(built.keys)
        assert sum(built.post_balances) - sum(built.pre_balances) == -built.fee
        assert min(built.post_balances) >= 0


def test_token_balances_move_as_the_legs_say(
    rendered: list[tuple[PlannedTx, Transaction]],
) -> None:
    for tx, built in rendered:
        pre = {(b.account_index, b.mint): b.amount for b in built.pre_token_balances}
        post = {(b.account_index, b.mint): b.amount for b in built.post_token_balances}
        change: Counter[str] = Counter()
        for key in pre.keys() | post.keys():
            change[key[1]] += post.get(key, 0) - pre.get(key, 0)
        if tx.failed:
            assert pre == post and built.err is not None
            continue
        assert built.err is None
        closed = tx.wrap_in or tx.unwrap_out
        # A Token-2022 transfer fee is withheld in the receiving account, outside its balance.
        withheld: Counter[str] = Counter()
        for leg in tx.legs:
            withheld[leg.mint_out] += leg.transfer_fee
        for mint, delta in change.items():
            # Only a closed wSOL account's tokens leave the token balances (as lamports).
            expected = -withheld[mint]
            assert delta == expected or (closed and mint.startswith("So111")), (tx.kind, mint)
        for leg in tx.legs:
            vault_in = leg.pool.vault_a if leg.a_to_b else leg.pool.vault_b
            i = built.keys.index(vault_in)
            if leg.pool.dex.native_sol and leg.mint_in.startswith("So111"):
                # A bonding curve holds native SOL: a buy pays its lamports, not a token account.
                assert built.post_balances[i] - built.pre_balances[i] == leg.amount_in
                continue
            assert post[(i, leg.mint_in)] - pre[(i, leg.mint_in)] == leg.amount_in
            assert pre[(i, leg.mint_in)] == leg.reserve_in


def test_truth_indexes_point_at_the_dex_instructions(
    rendered: list[tuple[PlannedTx, Transaction]],
) -> None:
    for tx, built in rendered:
        if tx.failed or not tx.legs:
            continue
        outer = built.instructions[tx.outer_index]
        (group,) = built.inner_instructions
        assert group.index == tx.outer_index
        if tx.via:  # an outer router calls the route program first
            assert built.account_keys[outer.program_index] == tx.via
            route = group.instructions[0]
            assert (built.account_keys[route.program_index], route.stack_height) == (tx.program, 2)
        else:
            assert built.account_keys[outer.program_index] == tx.program
        for leg in tx.legs:
            if leg.inner_index >= 0:
                ix = group.instructions[leg.inner_index]
                assert built.account_keys[ix.program_index] == leg.pool.dex.program
        if tx.tip:
            last = built.instructions[-1]
            assert last.parsed is not None and last.parsed[1]["info"]["lamports"] == tx.tip


@pytest.mark.parametrize("encoding", ["json", "jsonParsed"])
def test_rendered_transactions_parse_with_solders(
    rendered: list[tuple[PlannedTx, Transaction]], encoding: str
) -> None:
    for _, built in rendered[:300]:
        body = encode_transaction(built, encoding, "full", True, True)
        EncodedTransactionWithStatusMeta.from_json(json.dumps(body))
