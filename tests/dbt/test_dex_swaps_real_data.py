"""fct_dex_swaps and fct_dex_trades on the real mainnet samples, checked against their JSON.

Every sample (../shared/data/mainnet/blocks and transactions, see transactions/_summary.json)
goes through the real block loader and `dbt build` (the `mainnet_warehouse` fixture). Which
instruction of which sample swaps was read from the samples (VENUES below: every successful
transaction that moves a token through a DEX, Obric and ZeroFi included). The amounts are
checked against the JSON's pre/postTokenBalances, not against the decoder: a leg's pool side
(its instruction's token accounts that the leg's trader does not own) must net, by mint, to
what the leg says the trader paid and received; a trade must match the trader's own balance
changes where only it moved the mint.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from dbt_harness import DBT_PROJECT_DIR
from mainnet_warehouse import MainnetWarehouse
from solders.pubkey import Pubkey

SEED = DBT_PROJECT_DIR / "seeds" / "dex_programs.csv"
WSOL = "So11111111111111111111111111111111111111112"
# (signature prefix) -> [(outer_index, inner_index, dex)] of its swap legs, read from the samples.
VENUES = {
    "4yWsJQg1yF": [(0, -1, "raydium_amm_v4")],  # pump token -> WSOL, then a bot's tip
    "QfFVu1P4ji": [(5, -1, "raydium_amm_v4")],  # MetaMask SOL -> SAHUR
    "2X4vKsDS56": [(4, 0, "obric_v2")],  # MetaMask SOL -> USDC through Jupiter v6
    "5LuTa5k9Uv": [(2, 2, "zerofi")],  # MetaMask USDC -> JUP through Jupiter v6
    "5bvyp1nob5": [(1, -1, "pumpswap")],  # direct, Token-2022 base
    "2zNeSn8cJp": [(7, 2, "pumpswap")],  # through OKX's router, its program-owned account
    "2cd7QQSByK": [(4, -1, "raydium_clmm")],
    "4H6uGfHviq": [(2, 0, "orca_whirlpool")],  # under Jupiter v2, 2023
    # A bonding-curve sell paid by debiting the curve's lamports (tests/data/mainnet_extra).
    "54aBiJz2eW": [(2, -1, "pumpfun_bonding_curve")],
}
# The 2023 Jupiter route's answer omits the signer's token account from preTokenBalances (it held
# 50,003,000 before and 3,000 after, as the route's transfer of 50,000,000 shows).
OMITTED_PRE_BALANCE = "4H6uGfHviq"


def seed_programs() -> dict[str, dict[str, str]]:
    with SEED.open() as f:
        return {row["program_id"]: row for row in csv.DictReader(f)}


def account_keys(tx: dict[str, Any]) -> list[str]:
    message, meta = tx["transaction"]["message"], tx["meta"]
    keys = [k if isinstance(k, str) else k["pubkey"] for k in message["accountKeys"]]
    loaded = meta.get("loadedAddresses") or {}
    return keys + loaded.get("writable", []) + loaded.get("readonly", [])


def instruction_accounts(tx: dict[str, Any], outer: int, inner: int) -> list[str]:
    keys = account_keys(tx)
    if inner < 0:
        ix = tx["transaction"]["message"]["instructions"][outer]
    else:
        (group,) = [g for g in tx["meta"]["innerInstructions"] if g["index"] == outer]
        ix = group["instructions"][inner]
    return [a if isinstance(a, str) else keys[a] for a in ix["accounts"]]


def token_deltas(tx: dict[str, Any]) -> list[tuple[str, str, str | None, int]]:
    """(account, mint, owner, post - pre) per account of pre/postTokenBalances."""
    keys = account_keys(tx)
    meta = tx["meta"]
    pre = {b["accountIndex"]: b for b in meta.get("preTokenBalances") or []}
    post = {b["accountIndex"]: b for b in meta.get("postTokenBalances") or []}
    out = []
    for i in pre.keys() | post.keys():
        balance = post.get(i) or pre[i]
        before = int(pre[i]["uiTokenAmount"]["amount"]) if i in pre else 0
        after = int(post[i]["uiTokenAmount"]["amount"]) if i in post else 0
        out.append((keys[i], balance["mint"], balance.get("owner"), after - before))
    return out


def lamport_deltas(tx: dict[str, Any]) -> dict[str, int]:
    """post - pre lamports per account."""
    meta = tx["meta"]
    changes = zip(meta["preBalances"], meta["postBalances"], strict=True)
    return {
        key: after - before for key, (before, after) in zip(account_keys(tx), changes, strict=True)
    }


def token_accounts(tx: dict[str, Any]) -> set[str]:
    return {account for account, *_ in token_deltas(tx)}


def samples(warehouse: MainnetWarehouse) -> dict[str, dict[str, Any]]:
    return {tx["transaction"]["signatures"][0]: tx for _, tx in warehouse.transactions()}


LEG_COLUMNS = (
    "outer_index",
    "inner_index",
    "dex",
    "trader",
    "mint_in",
    "mint_out",
    "amount_in_raw",
    "amount_out_raw",
    "amount_in",
    "amount_out",
    "decimals_in",
    "decimals_out",
)


def decoded(warehouse: MainnetWarehouse) -> dict[str, list[dict[str, Any]]]:
    rows = warehouse.query(
        f"select signature, {', '.join(LEG_COLUMNS)} from marts.fct_dex_swaps"
        " order by signature, outer_index, inner_index"
    )
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for signature, *values in rows:
        out[signature].append(dict(zip(LEG_COLUMNS, values, strict=True)))
    return out


def test_every_swap_decodes_to_the_legs_its_balance_changes_show(
    mainnet_warehouse: MainnetWarehouse,
) -> None:
    txs = samples(mainnet_warehouse)
    found = decoded(mainnet_warehouse)
    assert {s[:10] for s in found} == set(VENUES), {s[:10]: legs for s, legs in found.items()}
    for signature, legs in found.items():
        tx = txs[signature]
        assert [(leg["outer_index"], leg["inner_index"], leg["dex"]) for leg in legs] == VENUES[
            signature[:10]
        ]
        for leg in legs:
            accounts = set(instruction_accounts(tx, leg["outer_index"], leg["inner_index"]))
            # The pool side: the leg's accounts that its trader does not own, net by mint.
            pool: dict[str, int] = defaultdict(int)
            for account, mint, owner, delta in token_deltas(tx):
                if account in accounts and owner != leg["trader"]:
                    pool[mint] += delta
            if leg["mint_out"] == WSOL and WSOL not in pool:
                # Native SOL: the lamports of the leg's accounts that no token balance lists and
                # its trader does not own (the curve, the fee recipient).
                pool[WSOL] = sum(
                    delta
                    for account, delta in lamport_deltas(tx).items()
                    if account in accounts
                    and account not in token_accounts(tx)
                    and account != leg["trader"]
                )
            assert {m: d for m, d in pool.items() if d} == {
                leg["mint_in"]: leg["amount_in_raw"],
                leg["mint_out"]: -leg["amount_out_raw"],
            }, signature
            assert leg["amount_in"] == Decimal(leg["amount_in_raw"]) / 10 ** leg["decimals_in"]
            assert leg["amount_out"] == Decimal(leg["amount_out_raw"]) / 10 ** leg["decimals_out"]


def test_each_trade_is_the_signers_own_balance_change(
    mainnet_warehouse: MainnetWarehouse,
) -> None:
    """The trade's tokens and amounts are what the signer's accounts lost and gained, where
    nothing but the swap moved the mint (wSOL is wrapped into and unwrapped from accounts
    created and closed in the transaction, so it is not in the balances)."""
    txs = samples(mainnet_warehouse)
    trades = mainnet_warehouse.query(
        "select signature, mint_in, amount_in, mint_out, amount_out, route_complete,"
        " is_arbitrage from marts.fct_dex_trades"
    )
    assert {s[:10] for s, *_ in trades} == set(VENUES)
    checked = 0
    for signature, mint_in, amount_in, mint_out, amount_out, complete, arbitrage in trades:
        assert complete and not arbitrage and mint_in != mint_out
        tx = txs[signature]
        signer = account_keys(tx)[0]
        decimals = {
            b["mint"]: b["uiTokenAmount"]["decimals"]
            for b in tx["meta"]["postTokenBalances"] + tx["meta"]["preTokenBalances"]
        }
        pools = {
            account
            for outer, inner, _ in VENUES[signature[:10]]
            for account in instruction_accounts(tx, outer, inner)
        }
        own: dict[str, int] = defaultdict(int)
        elsewhere = set()  # mints that others' accounts outside the swaps moved
        for account, mint, owner, delta in token_deltas(tx):
            if owner == signer:
                own[mint] += delta
            elif delta and account not in pools:
                elsewhere.add(mint)
        if signature.startswith(OMITTED_PRE_BALANCE):
            continue
        for mint, amount, sign in ((mint_in, amount_in, -1), (mint_out, amount_out, 1)):
            if mint != WSOL and mint not in elsewhere:
                assert own[mint] == sign * amount * 10 ** decimals[mint], signature
                checked += 1
    # The non-wSOL sides that only the swap moved: SAHUR, USDC (Obric), USDC and JUP (ZeroFi),
    # the PumpSwap tokens bought directly and through OKX, and the token sold into the curve.
    assert checked == 7


def test_routes_are_flagged(mainnet_warehouse: MainnetWarehouse) -> None:
    routed = mainnet_warehouse.query(
        "select dex, router from marts.fct_dex_swaps where is_routed order by 1"
    )
    # Jupiter v6 (Obric, ZeroFi), OKX's router (PumpSwap) and Jupiter v2 (Whirlpool).
    assert routed == [
        ("obric_v2", "jupiter_v6"),
        ("orca_whirlpool", "jupiter_v2"),
        ("pumpswap", "okx_router"),
        ("zerofi", "jupiter_v6"),
    ]


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


JUPITER_V6 = "JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4"
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# Anchor's event-CPI tag, then sha256("event:SwapEvent")[:8].
SWAP_EVENT_PREFIX = bytes.fromhex("e445a52e51cb9a1d40c6cde8260871e2")


def b58decode(text: str) -> bytes:
    value = 0
    for char in text:
        value = value * 58 + BASE58.index(char)
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + value.to_bytes((value.bit_length() + 7) // 8, "big")


def jupiter_swap_events(tx: dict[str, Any]) -> list[tuple[Any, ...]]:
    """(outer, inner, amm, input mint, input amount, output mint, output amount) of each
    SwapEvent Jupiter v6 emitted in the transaction, read from the JSON."""
    keys, events = account_keys(tx), []
    for group in tx["meta"].get("innerInstructions") or []:
        for inner, ix in enumerate(group["instructions"]):
            program = ix.get("programId") or keys[ix["programIdIndex"]]
            data = b58decode(ix.get("data", ""))
            if program == JUPITER_V6 and data[:16] == SWAP_EVENT_PREFIX:
                body = data[16:]
                events.append(
                    (
                        group["index"],
                        inner,
                        str(Pubkey.from_bytes(body[0:32])),
                        str(Pubkey.from_bytes(body[32:64])),
                        int.from_bytes(body[64:72], "little"),
                        str(Pubkey.from_bytes(body[72:104])),
                        int.from_bytes(body[104:112], "little"),
                    )
                )
    return events


def test_jupiter_swap_events_cross_check_the_decoded_legs(
    mainnet_warehouse: MainnetWarehouse,
) -> None:
    """Jupiter's own SwapEvents, decoded in SQL, equal those read from the JSON, and each
    agrees with the leg decoded from the transfers (Obric and ZeroFi under Jupiter v6)."""
    expected = {
        (signature, *event)
        for signature, tx in samples(mainnet_warehouse).items()
        if tx["meta"]["err"] is None
        for event in jupiter_swap_events(tx)
    }
    rows = mainnet_warehouse.query(
        "select signature, outer_index, inner_index, amm, input_mint, input_amount_raw,"
        " output_mint, output_amount_raw, agrees from intermediate.int_dex_jupiter_swap_events"
    )
    assert {row[:-1] for row in rows} == expected
    agreements = sum(1 for row in rows if row[-1])
    # Obric v2 (SOL -> USDC) and ZeroFi (USDC -> JUP); the failed route's events are not swaps.
    assert (agreements, len(rows) - agreements) == (2, 0)
    assert {row[3] for row in rows} == {
        program for program, row in seed_programs().items() if row["dex"] in {"obric_v2", "zerofi"}
    }
