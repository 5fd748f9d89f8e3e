"""Jito tips, blocks and the per-validator MEV mart against simnet's truth and a real sample.

simnet's block economics give every produced block of a Jito leader a tip total, paid by system
transfers into the 8 tip accounts (MEV bundles' tips, top-level or by CPI, and the block's own
tip transaction for the rest); `/simnet/truth/epochs` sums them per leader before the block
engine's 5% cut (`tips_lamports`; `mev_rewards_lamports` is after it). With every transaction
loaded (sample 1.0) the tips observed per validator must equal that truth to the lamport.
"""

from __future__ import annotations

import csv
from typing import Any

import pytest
from dbt_harness import DBT_PROJECT_DIR
from mainnet_warehouse import MainnetWarehouse
from simnet_warehouse import EPOCHS, LoadedWarehouse
from solders.pubkey import Pubkey

from tests.ingestion.blocks_harness import JITO_TIP_ACCOUNTS

TIP_ACCOUNTS_SEED = DBT_PROJECT_DIR / "seeds" / "jito_tip_accounts.csv"
TIP_PAYMENT_PROGRAM = "T1pyyaTNZsKv2WcRAB8oVnk93mLJw2XzjtVYqCsaHqt"
ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
# The project's default (dbt_project.yml vars): colluders need this many trial leader windows.
COLLUSION_MIN_WINDOWS = 20


def b58decode(text: str) -> bytes:
    """Base58 (Bitcoin alphabet) to bytes; leading '1's are leading zero bytes."""
    number = 0
    for char in text:
        digit = ALPHABET.find(char)
        if digit < 0:
            raise ValueError(f"{char!r} is not a base58 character")
        number = number * 58 + digit
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def seed_tip_accounts() -> list[str]:
    with TIP_ACCOUNTS_SEED.open() as f:
        return [row["tip_account"] for row in csv.DictReader(f)]


def test_b58decode_tells_a_corrupted_key() -> None:
    good = "96gYZGLnJYVFmbjzopPSU6QiEV5fGqZNyN9nmNhvrZU5"
    assert len(b58decode(good)) == 32
    assert len(b58decode(good + "z")) == 33  # a stray character
    with pytest.raises(ValueError):
        b58decode(good.replace("Z", "0"))  # 0 is not base58
    assert b58decode("1112") == b"\0\0\0\x01"
    # A changed character can still be 32 bytes: only the derivation tells it.
    typo = good.replace("Z", "X", 1)
    assert len(b58decode(typo)) == 32
    assert Pubkey.from_string(typo) not in tip_account_addresses()


def tip_account_addresses() -> list[Pubkey]:
    """The Tip Payment program's PDAs of seeds TIP_ACCOUNT_0 to TIP_ACCOUNT_7."""
    program = Pubkey.from_string(TIP_PAYMENT_PROGRAM)
    return [
        Pubkey.find_program_address([f"TIP_ACCOUNT_{i}".encode()], program)[0] for i in range(8)
    ]


def test_tip_accounts_seed_holds_the_8_valid_keys() -> None:
    accounts = seed_tip_accounts()
    assert len(accounts) == len(set(accounts)) == 8
    for account in accounts:
        raw = b58decode(account)
        assert len(raw) == 32, account
        assert bytes(Pubkey.from_string(account)) == raw
        assert str(Pubkey(raw)) == account  # canonical encoding, no stray leading '1'
    assert set(accounts) == JITO_TIP_ACCOUNTS
    assert set(accounts) == {str(address) for address in tip_account_addresses()}


def _by_validator(rows: list[tuple[Any, ...]]) -> dict[str, int]:
    return {vote: int(tips) for vote, tips in rows}


@pytest.mark.parametrize("epoch", EPOCHS)
def test_tips_per_validator_equal_truth(simnet_warehouse: LoadedWarehouse, epoch: int) -> None:
    truth = simnet_warehouse.truth("epochs", epoch)
    expected = {v["vote_account"]: v["tips_lamports"] for v in truth["validators"]}
    rows = simnet_warehouse.query(
        "select vote_account, coalesce(tips_lamports, 0), loaded_blocks, blocks_produced"
        " from marts.validator_mev_epochs where epoch = %s",
        epoch,
    )
    # Everything was loaded: a validator without loaded blocks produced none.
    assert all(loaded == produced for _, _, loaded, produced in rows)
    assert _by_validator([(vote, tips) for vote, tips, _, _ in rows]) == expected
    (total,) = simnet_warehouse.query(
        "select sum(lamports) from marts.fct_jito_tips where epoch = %s", epoch
    )[0]
    assert total == truth["tips_lamports"] > 0
    # Jito's reported rewards are the tips less the block engine's cut.
    (difference,) = simnet_warehouse.query(
        "select sum(tips_minus_jito_mev_lamports) from marts.validator_mev_epochs where epoch = %s",
        epoch,
    )[0]
    assert difference == truth["tips_lamports"] - truth["mev_rewards_lamports"]


def test_block_tips_add_up_to_the_tip_transfers(simnet_warehouse: LoadedWarehouse) -> None:
    mismatched = simnet_warehouse.query(
        "select blocks.slot, blocks.tips_lamports, tips.lamports from marts.fct_blocks as blocks"
        " full join (select slot, sum(lamports) as lamports from marts.fct_jito_tips"
        " group by slot) as tips on blocks.slot = tips.slot"
        " where blocks.tips_lamports is distinct from coalesce(tips.lamports, 0)"
    )
    assert mismatched == []
    ((blocks_total, tips_total, inner),) = simnet_warehouse.query(
        "select (select sum(tips_lamports) from marts.fct_blocks),"
        " (select sum(lamports) from marts.fct_jito_tips),"
        " (select count(*) from marts.fct_jito_tips where inner_index >= 0)"
    )
    assert blocks_total == tips_total > 0
    assert inner > 0  # tips paid by CPI are found too


@pytest.mark.parametrize("epoch", EPOCHS)
def test_block_fees_equal_truth(simnet_warehouse: LoadedWarehouse, epoch: int) -> None:
    truth = simnet_warehouse.truth("epochs", epoch)
    ((fees, priority, rewards),) = simnet_warehouse.query(
        "select sum(fees_lamports), sum(priority_fees_lamports), sum(fee_rewards_lamports)"
        " from marts.fct_blocks where epoch = %s",
        epoch,
    )
    assert fees == truth["fees_lamports"]
    assert priority == truth["priority_fees_lamports"]
    assert rewards == truth["leader_fee_rewards_lamports"]


def test_colluding_validators_are_flagged(simnet_warehouse: LoadedWarehouse) -> None:
    """Issue 16: ≥ 0.8 of the planted colluders judged (enough leader windows) are flagged,
    and at most 5% of the flags, over the epochs, are false."""
    judged_colluders, hits, flags, false_flags = 0, 0, 0, 0
    for epoch in EPOCHS:
        colluders = {
            v["vote_account"] for v in simnet_warehouse.truth("mev", epoch)["colluding_validators"]
        }
        rows = simnet_warehouse.query(
            "select vote_account, window_leader_windows, collusion_q_value, is_suspected_colluder"
            " from marts.validator_mev_epochs where epoch = %s",
            epoch,
        )
        flagged = {vote for vote, _, _, flag in rows if flag}
        judged = {vote for vote, windows, _, _ in rows if windows >= COLLUSION_MIN_WINDOWS}
        print(epoch, sorted((windows, q, vote in colluders) for vote, windows, q, _ in rows))
        judged_colluders += len(judged & colluders)
        hits += len(judged & colluders & flagged)
        flags += len(flagged)
        false_flags += len(flagged - colluders)
    assert judged_colluders, "no colluder led enough windows to be judged"
    assert hits >= 0.8 * judged_colluders, (hits, judged_colluders)
    assert false_flags <= 0.05 * flags, (false_flags, flags)


def test_real_inner_jito_tip_is_found(mainnet_warehouse: MainnetWarehouse) -> None:
    """raydium_v4_swap_with_inner_jito_tip_slot284596391: a tip paid by CPI (inner)."""
    rows = mainnet_warehouse.query(
        "select inner_index, tip_account, tipper, lamports from marts.fct_jito_tips"
        " where slot = 284596391"
    )
    assert [(tip_account, tipper, lamports) for _, tip_account, tipper, lamports in rows] == [
        (
            "96gYZGLnJYVFmbjzopPSU6QiEV5fGqZNyN9nmNhvrZU5",
            "6aNfYRTCrBSTAYtt1ePan8nbEHMcoxMkE1VuCGqkWK6H",
            304_862,
        )
    ]
    assert rows[0][0] >= 0
    ((blocks_tips,),) = mainnet_warehouse.query(
        "select tips_lamports from marts.fct_blocks where slot = 284596391"
    )
    assert blocks_tips == 304_862
