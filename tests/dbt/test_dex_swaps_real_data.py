"""fct_dex_swaps on the real mainnet samples, checked against the JSON they were loaded from.

Every sample (../shared/data/mainnet/blocks and transactions, see transactions/_summary.json)
goes through the real block loader and `dbt build` (the `mainnet_warehouse` fixture). The
expectations are computed here from the JSON itself: a successful transaction's instruction of a
DEX program of the seed swaps what the instruction's token accounts that the signer does not own
net received and paid, by mint, in pre/postTokenBalances; and where nothing else moved the
mint, the signer's own accounts moved the same amounts the other way.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from dbt_harness import DBT_PROJECT_DIR
from mainnet_warehouse import MainnetWarehouse

SEED = DBT_PROJECT_DIR / "seeds" / "dex_programs.csv"
WSOL = "So11111111111111111111111111111111111111112"
# The 2023 Jupiter route's answer omits the signer's token account from preTokenBalances (it held
# 50,003,000 before and 3,000 after, as the route's transfer of 50,000,000 shows).
OMITTED_PRE_BALANCE = (
    "4H6uGfHviqT87Au64fv9t7AQHYd75SZPa7NMsX2fZixdcwZgpPB11b4cQq65JVM4EzppLmNPt2d8cGeFY9ys1dBH"
)


def seed_programs() -> dict[str, dict[str, str]]:
    with SEED.open() as f:
        return {row["program_id"]: row for row in csv.DictReader(f)}


def account_keys(tx: dict[str, Any]) -> list[str]:
    message, meta = tx["transaction"]["message"], tx["meta"]
    keys = [k if isinstance(k, str) else k["pubkey"] for k in message["accountKeys"]]
    loaded = meta.get("loadedAddresses") or {}
    return keys + loaded.get("writable", []) + loaded.get("readonly", [])


def instructions(tx: dict[str, Any]) -> list[tuple[int, int, str, list[str] | None]]:
    """(outer_index, inner_index, program, accounts) of every instruction, -1 for outer ones."""
    keys = account_keys(tx)

    def parse(ix: dict[str, Any]) -> tuple[str, list[str] | None]:
        program = ix.get("programId") or keys[ix["programIdIndex"]]
        accounts = ix.get("accounts")
        if accounts is None:  # a jsonParsed instruction
            return program, None
        return program, [a if isinstance(a, str) else keys[a] for a in accounts]

    out = []
    for i, ix in enumerate(tx["transaction"]["message"]["instructions"]):
        out.append((i, -1, *parse(ix)))
    for group in tx["meta"].get("innerInstructions") or []:
        for j, ix in enumerate(group["instructions"]):
            out.append((group["index"], j, *parse(ix)))
    return out


def token_deltas(tx: dict[str, Any]) -> list[tuple[str, str, str | None, int, int]]:
    """(account, mint, owner, decimals, post - pre) per account of pre/postTokenBalances."""
    keys = account_keys(tx)
    meta = tx["meta"]
    pre = {b["accountIndex"]: b for b in meta.get("preTokenBalances") or []}
    post = {b["accountIndex"]: b for b in meta.get("postTokenBalances") or []}
    out = []
    for i in pre.keys() | post.keys():
        balance = post.get(i) or pre[i]
        before = int(pre[i]["uiTokenAmount"]["amount"]) if i in pre else 0
        after = int(post[i]["uiTokenAmount"]["amount"]) if i in post else 0
        decimals = balance["uiTokenAmount"]["decimals"]
        out.append((keys[i], balance["mint"], balance.get("owner"), decimals, after - before))
    return out


def token_delta_by_index(tx: dict[str, Any]) -> dict[int, int]:
    """post - pre per account index of pre/postTokenBalances."""
    meta = tx["meta"]
    pre = {b["accountIndex"]: int(b["uiTokenAmount"]["amount"]) for b in meta["preTokenBalances"]}
    post = {b["accountIndex"]: int(b["uiTokenAmount"]["amount"]) for b in meta["postTokenBalances"]}
    return {i: post.get(i, 0) - pre.get(i, 0) for i in pre.keys() | post.keys()}


def signer_delta(tx: dict[str, Any], signer: str, mint: str) -> int:
    """The net change of the signer's accounts of `mint`."""
    return sum(delta for _, m, owner, _, delta in token_deltas(tx) if m == mint and owner == signer)


def expected_swaps(warehouse: MainnetWarehouse) -> dict[str, dict[str, Any]]:
    """Per successful transaction invoking one seed DEX instruction: the swap its JSON shows."""
    programs = seed_programs()
    expected = {}
    for _, tx in warehouse.transactions():
        if tx["meta"]["err"] is not None:
            continue
        keys = account_keys(tx)
        changed = {keys[i] for i, delta in token_delta_by_index(tx).items() if delta}
        # DEX instructions that touch a token account whose balance changed (not, e.g., the
        # Anchor event a DEX emits by calling itself with its event authority only).
        legs = [
            (outer, inner, program, accounts)
            for outer, inner, program, accounts in instructions(tx)
            if programs.get(program, {}).get("kind") == "dex" and changed & set(accounts or [])
        ]
        if not legs:
            continue
        assert len(legs) == 1  # every sample swaps once
        outer, inner, program, accounts = legs[0]
        signer = account_keys(tx)[0]
        assert accounts is not None
        # The pool side: the instruction's token accounts that the signer does not own.
        net: dict[str, int] = defaultdict(int)
        decimals = {}
        elsewhere = set()  # mints that non-signer accounts outside the instruction moved
        for account, mint, owner, places, delta in token_deltas(tx):
            decimals[mint] = places
            if owner != signer and account in accounts:
                net[mint] += delta
            elif owner != signer and delta:
                elsewhere.add(mint)
        (mint_in,) = [m for m, d in net.items() if d > 0]
        (mint_out,) = [m for m, d in net.items() if d < 0]
        outer_program = instructions(tx)[[i[:2] for i in instructions(tx)].index((outer, -1))][2]
        expected[tx["transaction"]["signatures"][0]] = {
            "outer_index": outer,
            "inner_index": inner,
            "dex": programs[program]["dex"],
            "pool": accounts[int(programs[program]["pool_account_index"])],
            "trader": signer,
            "mint_in": mint_in,
            "mint_out": mint_out,
            "amount_in_raw": net[mint_in],
            "amount_out_raw": -net[mint_out],
            "decimals_in": decimals[mint_in],
            "decimals_out": decimals[mint_out],
            "tx_program": outer_program,
            # What the signer's accounts moved, where only this swap moved the mint.
            "signer_deltas": {
                mint: None if mint in elsewhere else signer_delta(tx, signer, mint)
                for mint in (mint_in, mint_out)
            },
        }
    return expected


COLUMNS = (
    "outer_index",
    "inner_index",
    "dex",
    "pool",
    "trader",
    "mint_in",
    "mint_out",
    "amount_in_raw",
    "amount_out_raw",
    "decimals_in",
    "decimals_out",
    "tx_program",
)


def decoded(warehouse: MainnetWarehouse) -> dict[str, list[dict[str, Any]]]:
    rows = warehouse.query(
        f"select signature, {', '.join(COLUMNS)}, amount_in, amount_out, is_routed, router"
        " from marts.fct_dex_swaps"
    )
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for signature, *values in rows:
        out[signature].append(
            dict(
                zip(
                    (*COLUMNS, "amount_in", "amount_out", "is_routed", "router"),
                    values,
                    strict=True,
                )
            )
        )
    return out


def test_each_swap_is_decoded_with_its_tokens_and_amounts(
    mainnet_warehouse: MainnetWarehouse,
) -> None:
    expected = expected_swaps(mainnet_warehouse)
    found = decoded(mainnet_warehouse)
    # Raydium AMM v4 (twice), Raydium CLMM, PumpSwap (direct and through a bot's program, with
    # Token-2022) and Orca Whirlpool under Jupiter.
    assert len(expected) == 6
    # Nothing else: the two Jupiter swaps through DEXes outside the seed (Obric, ZeroFi) are not
    # decoded, see the seed dex_programs.
    assert set(found) == set(expected)
    checked = 0
    for signature, swap in expected.items():
        (leg,) = found[signature]
        assert {c: leg[c] for c in COLUMNS} == {c: swap[c] for c in COLUMNS}, signature
        assert leg["amount_in"] == Decimal(swap["amount_in_raw"]) / 10 ** swap["decimals_in"]
        assert leg["amount_out"] == Decimal(swap["amount_out_raw"]) / 10 ** swap["decimals_out"]
        # Tokens are conserved: the signer's own accounts move the same amounts the other way,
        # where only the swap moved the mint, except wSOL (wrapped into and unwrapped from
        # accounts created and closed within the transaction).
        if signature == OMITTED_PRE_BALANCE:
            continue
        for mint, sign, amount in (
            (swap["mint_in"], -1, swap["amount_in_raw"]),
            (swap["mint_out"], 1, swap["amount_out_raw"]),
        ):
            if mint != WSOL and swap["signer_deltas"][mint] is not None:
                assert swap["signer_deltas"][mint] == sign * amount, signature
                checked += 1
    assert checked == 4


def test_routes_are_flagged(mainnet_warehouse: MainnetWarehouse) -> None:
    programs = seed_programs()
    routed = mainnet_warehouse.query(
        "select dex, router, tx_program from marts.fct_dex_swaps where is_routed"
    )
    # The Jupiter (v2) route through an Orca Whirlpool.
    assert routed == [
        ("orca_whirlpool", "jupiter_v2", "JUP2jxvXaqu7NQY1GmNF4m1vodw12LVXYxbFL2uJvfo")
    ]
    # A bot's own program calling PumpSwap is not a router: its leg is not routed.
    others = mainnet_warehouse.query(
        "select tx_program from marts.fct_dex_swaps where not is_routed and inner_index >= 0"
    )
    assert others and all(programs.get(p, {}).get("kind") != "router" for (p,) in others)


def test_failed_transactions_and_transfers_yield_no_swap(
    mainnet_warehouse: MainnetWarehouse,
) -> None:
    summary = {entry["file"]: entry["signature"] for entry in mainnet_warehouse.summary()}
    for path in (mainnet_warehouse.data_dir / "transactions").glob("metamask_*.json"):
        answer = json.loads(path.read_text())
        summary[path.name] = answer.get("result", answer)["transaction"]["signatures"][0]
    no_swap = [
        summary["metamask_swap-failed-transaction.json"],  # Jupiter -> Raydium and Meteora, failed
        summary["memo_transfer_slot376410054.json"],
        summary["metamask_send-spl-token-and-create-token-account.json"],
        summary["metamask_send-usdc-transfer-to-self-2.json"],
        summary["metamask_spam-2.json"],
        summary["arb_bot_noop_Ceu4aCcS_slot375777791.json"],
    ]
    loaded = mainnet_warehouse.query(
        "select count(*) from raw_solana.transactions where signature = any(%s)", no_swap
    )
    assert loaded == [(len(no_swap),)]
    assert mainnet_warehouse.query(
        "select count(*) from marts.fct_dex_swaps where signature = any(%s)", no_swap
    ) == [(0,)]
    # No failed transaction yields a swap, and the failed Jupiter swap did invoke seed DEXes.
    assert mainnet_warehouse.query(
        "select count(*) from marts.fct_dex_swaps as s"
        " inner join raw_solana.transactions as t on t.signature = s.signature"
        " where not t.success"
    ) == [(0,)]
    (invoked,) = mainnet_warehouse.query(
        "select count(*) from raw_solana.instructions as i"
        " inner join staging.dex_programs as p on p.program_id = i.program_id"
        " where i.signature = %s and p.kind = 'dex'",
        summary["metamask_swap-failed-transaction.json"],
    )[0]
    assert invoked > 0
