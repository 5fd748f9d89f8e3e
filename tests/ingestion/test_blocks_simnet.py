"""The block-level source against simnet over HTTP, into a real warehouse, checked with truth."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from expectations.raw_solana_blocks import SUITES
from expectations.runner import run_suite
from ingestion.blocks.sample import is_sampled
from simnet.server import SimnetHandle, start_simnet
from tests.ingestion.blocks_harness import (
    EPOCH,
    EPOCH_SLOTS,
    JITO_TIP_ACCOUNTS,
    SMALL,
    SYSTEM_PROGRAM,
    database,
    get_json,
    load,
    one,
    query,
    rpc_call,
    system_transfer_lamports,
)


@pytest.fixture(scope="module")
def simnet() -> Iterator[SimnetHandle]:
    with start_simnet("demo", **SMALL) as handle:
        yield handle


@pytest.fixture(scope="module")
def truth(simnet: SimnetHandle) -> dict:
    return get_json(f"{simnet.url.rstrip('/')}/simnet/truth/epochs?epoch={EPOCH}")


@pytest.fixture(scope="module")
def loaded(
    simnet: SimnetHandle, pg_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One full load of the epoch that the read-only tests share: its warehouse URL."""
    with database(pg_server_url) as url:
        assert load(url, simnet.url, tmp_path_factory.mktemp("dlt"))["blocks"] == 512
        yield url


def test_every_slot_is_a_block_row_and_totals_match_truth(simnet, truth, loaded):
    warehouse_url = loaded

    slots, first, last, produced, skipped, txs, fees = one(
        warehouse_url,
        "select count(distinct slot), min(slot), max(slot),"
        " count(*) filter (where status = 'produced'), count(*) filter (where status = 'skipped'),"
        " sum(transaction_count), sum(fee_rewards) from raw_solana.blocks",
    )
    assert (slots, first, last) == (len(EPOCH_SLOTS), EPOCH_SLOTS[0], EPOCH_SLOTS[-1])
    assert produced == truth["blocks_produced"]
    assert produced + skipped == len(EPOCH_SLOTS)
    assert txs == truth["transactions"]
    assert fees == truth["leader_fee_rewards_lamports"]

    # Votes are counted, not stored; everything else is.
    (votes,) = one(warehouse_url, "select sum(vote_transaction_count) from raw_solana.blocks")
    stored, priority = one(
        warehouse_url, "select count(*), sum(priority_fee) from raw_solana.transactions"
    )
    assert votes > 0 and stored == txs - votes
    assert priority == truth["priority_fees_lamports"]

    # The produced slots are exactly those getBlocks lists.
    listed = rpc_call(simnet.url, "getBlocks", EPOCH_SLOTS[0], EPOCH_SLOTS[-1])
    rows = query(warehouse_url, "select slot from raw_solana.blocks where status = 'produced'")
    assert sorted(slot for (slot,) in rows) == listed


def test_tips_are_visible_in_instructions(truth, loaded):
    warehouse_url = loaded
    rows = query(
        warehouse_url,
        "select i.accounts, i.data from raw_solana.instructions i"
        " join raw_solana.transactions t using (signature)"
        " where t.success and i.program_id = %s",
        SYSTEM_PROGRAM,
    )
    tips = [
        system_transfer_lamports(data)
        for accounts, data in rows
        if len(accounts) == 2 and accounts[1] in JITO_TIP_ACCOUNTS
    ]
    assert tips and sum(t for t in tips if t) == truth["tips_lamports"]


def test_rows_hold_what_getblock_answered(simnet, loaded):
    warehouse_url = loaded
    slot = rpc_call(simnet.url, "getBlocks", EPOCH_SLOTS[0] + 40, EPOCH_SLOTS[0] + 60)[0]
    config = {"encoding": "json", "maxSupportedTransactionVersion": 0, "rewards": True}
    block = rpc_call(simnet.url, "getBlock", slot, config)

    (row,) = query(
        warehouse_url,
        "select blockhash, previous_blockhash, parent_slot, block_height,"
        " extract(epoch from block_time)::bigint, transaction_count"
        " from raw_solana.blocks where slot = %s",
        slot,
    )
    assert row == (
        block["blockhash"],
        block["previousBlockhash"],
        block["parentSlot"],
        block["blockHeight"],
        block["blockTime"],
        len(block["transactions"]),
    )
    rewards = query(
        warehouse_url,
        "select pubkey, reward_type, lamports, post_balance from raw_solana.block_rewards"
        " where slot = %s order by pubkey, reward_type",
        slot,
    )
    assert rewards == sorted(
        (r["pubkey"], r["rewardType"], r["lamports"], r["postBalance"]) for r in block["rewards"]
    )

    stored = dict(
        query(
            warehouse_url,
            "select signature, position from raw_solana.transactions where slot = %s",
            slot,
        )
    )
    for position, tx in enumerate(block["transactions"]):
        signature = tx["transaction"]["signatures"][0]
        assert (signature in stored) != _is_vote(tx)
        if signature not in stored:
            continue
        assert stored[signature] == position
        fee, success, keys = one(
            warehouse_url,
            "select fee, success, account_keys from raw_solana.transactions where signature = %s",
            signature,
        )
        meta = tx["meta"]
        loaded = meta.get("loadedAddresses") or {"writable": [], "readonly": []}
        message_keys = tx["transaction"]["message"]["accountKeys"]
        assert keys == message_keys + loaded["writable"] + loaded["readonly"]
        assert (fee, success) == (meta["fee"], meta["err"] is None)
        balances = query(
            warehouse_url,
            "select account_index, mint, pre_amount, post_amount"
            " from raw_solana.token_balance_changes where signature = %s order by 1",
            signature,
        )
        pre = {b["accountIndex"]: b for b in meta["preTokenBalances"]}
        post = {b["accountIndex"]: b for b in meta["postTokenBalances"]}
        assert balances == [
            (
                i,
                (post.get(i) or pre[i])["mint"],
                int(pre[i]["uiTokenAmount"]["amount"]) if i in pre else 0,
                int(post[i]["uiTokenAmount"]["amount"]) if i in post else 0,
            )
            for i in sorted(pre.keys() | post.keys())
        ]


def _is_vote(tx: dict) -> bool:
    keys = tx["transaction"]["message"]["accountKeys"]
    programs = {keys[ix["programIdIndex"]] for ix in tx["transaction"]["message"]["instructions"]}
    return programs == {"Vote111111111111111111111111111111111111111"}


def test_the_sample_takes_whole_windows_and_is_recorded(simnet, warehouse_url, tmp_path):
    load(warehouse_url, simnet.url, tmp_path, sample_rate=0.25)
    windows = {
        start
        for (start,) in query(warehouse_url, "select window_start from raw_solana.sampled_windows")
    }
    expected = {s for s in range(EPOCH_SLOTS[0], EPOCH_SLOTS[-1] + 1, 4) if is_sampled(s, 0.25)}
    assert windows == expected and 0 < len(windows) < len(EPOCH_SLOTS) // 4

    blocks = query(
        warehouse_url,
        "select slot, transactions_loaded, transaction_count from raw_solana.blocks"
        " where status = 'produced'",
    )
    for slot, loaded, count in blocks:
        assert loaded == (slot // 4 * 4 in windows)
        assert (count is not None) == loaded
    tx_slots = {s for (s,) in query(warehouse_url, "select slot from raw_solana.transactions")}
    assert tx_slots and {s // 4 * 4 for s in tx_slots} <= windows
    # Leaders of skipped slots come from the leader schedule.
    schedule = rpc_call(simnet.url, "getLeaderSchedule", EPOCH_SLOTS[0])
    leader_of = {EPOCH_SLOTS[0] + i: who for who, slots in schedule.items() for i in slots}
    for slot, leader in query(warehouse_url, "select slot, leader from raw_solana.blocks"):
        assert leader == leader_of[slot]


def test_loaded_tables_pass_their_suites(loaded):
    for table in SUITES:
        result = run_suite(loaded, table, epochs=[EPOCH])
        assert result.success, result.summary()
        assert result.rows_checked > 0, table


def test_open_epochs_are_refused_with_a_clear_error(simnet, warehouse_url, tmp_path):
    with pytest.raises(Exception, match=r"epochs \[3\] are not closed yet"):
        load(warehouse_url, simnet.url, tmp_path, epochs=(3,))
