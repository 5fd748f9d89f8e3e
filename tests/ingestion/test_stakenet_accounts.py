"""StakeNet's account decoders against the programs' layouts, byte offsets written out by hand.

ValidatorHistoryEntry is repr(C) and 128 bytes (stakenet asserts it); ValidatorHistory is 65,848
bytes after the discriminator; the steward's Config is 4,040 (EXPECTED_SIZE in
programs/steward/src/state/accounts.rs) and its Parameters 352.
"""

from __future__ import annotations

import hashlib
import struct

import pytest
from solders.pubkey import Pubkey

from ingestion.solana import steward_config
from ingestion.solana import validator_history as vh

VOTE = Pubkey(bytes(range(32)))


def le(value: int, size: int) -> bytes:
    return value.to_bytes(size, "little")


def entry(epoch: int, stake: int, credits: int, commission: int) -> bytes:
    """One ValidatorHistoryEntry with the keeper's vote-account and stake fields written."""
    raw = bytearray(b"\xff" * 128)
    raw[0:8] = le(stake, 8)  # activated_stake_lamports
    raw[8:10] = le(epoch, 2)
    raw[10:12] = le(800, 2)  # mev_commission
    raw[12:16] = le(credits, 4)  # epoch_credits
    raw[16] = commission
    raw[17] = 1  # client_type: Jito
    raw[18:22] = bytes([2, 2]) + le(16, 2)  # version 2.2.16
    raw[26] = 3  # merkle_root_upload_authority: TipRouter
    raw[27] = 0  # is_superminority
    raw[64:68] = le(1_600, 4)  # total_leader_slots
    raw[68:72] = le(1_590, 4)  # blocks_produced
    raw[81] = 1  # is_bam_connected
    return bytes(raw)


def account(entries: dict[int, bytes], idx: int, age: int = 41, age_epoch: int = 700) -> bytes:
    head = bytearray(320)
    head[0:8] = hashlib.sha256(b"account:ValidatorHistory").digest()[:8]
    head[12:44] = bytes(VOTE)  # after struct_version u32
    head[72:76] = le(age, 4)  # validator_age
    head[76:78] = le(age_epoch, 2)
    head[304:312] = le(idx, 8)  # history.idx
    head[312] = 0 if entries else 1  # history.is_empty
    ring = [entries.get(i, b"\xff" * 128) for i in range(512)]
    return bytes(head) + b"".join(ring)


def test_validator_history_reads_a_wrapped_ring_in_epoch_order() -> None:
    # The ring wrapped: its newest entry (epoch 701) sits at slot 0, the older ones at the end.
    data = account(
        {510: entry(699, 5 * 10**12, 6_000, 5), 511: entry(700, 6 * 10**12, 6_100, 5),
         0: entry(701, 7 * 10**12, 6_200, 7)},
        idx=0,
    )  # fmt: skip
    assert len(data) == vh.ACCOUNT_SIZE == 8 + 65_848
    history = vh.decode(data)
    assert history.vote_account == str(VOTE) and history.validator_age == 41
    assert [e["epoch"] for e in history.entries] == [699, 700, 701]
    latest = history.entries[-1]
    assert (latest["activated_stake_lamports"], latest["epoch_credits"], latest["commission"]) == (
        7 * 10**12,
        6_200,
        7,
    )
    assert latest["client_version"] == "2.2.16" and latest["merkle_root_upload_authority"] == (
        "tip_router"
    )
    assert (latest["total_leader_slots"], latest["blocks_produced"]) == (1_600, 1_590)
    # Never written by the keepers: unknown.
    assert latest["rank"] is None and latest["mev_earned_centisol"] is None
    assert latest["ip"] is None and latest["priority_fee_tips"] is None
    rows = vh.history_rows(history, [700, 701, 702], observed_epoch=702)
    assert [(r["epoch"], r["is_superminority"], r["is_bam_connected"]) for r in rows] == [
        (700, False, True),
        (701, False, True),
    ]


def test_validator_history_unset_age_and_wrong_accounts() -> None:
    assert vh.decode(account({}, idx=0, age=0, age_epoch=0)).validator_age is None
    assert vh.decode(account({}, idx=0)).entries == ()
    with pytest.raises(vh.ValidatorHistoryError, match="discriminator"):
        vh.decode(b"\0" * 8 + account({}, idx=0)[8:])
    with pytest.raises(vh.ValidatorHistoryError, match="bytes"):
        vh.decode(account({}, idx=0)[:1_000])


def test_steward_config_parameters_at_their_offsets() -> None:
    data = bytearray(8 + 4_040)
    data[0:8] = hashlib.sha256(b"account:Config").digest()[:8]
    at = 8 + 5 * 32 + 313 * 8  # after five pubkeys and the 20,000-bit blacklist
    assert at + 352 + 8 + 4 * 32 + 888 == len(data)  # Parameters, paused + padding, the rest
    p = bytearray(352)
    p[0:8] = le(10, 2) + le(30, 2) + le(30, 2) + le(900, 2)  # the three ranges, MEV bps cap
    p[8:24] = struct.pack("<dd", 0.95, 0.7)  # the two delinquency thresholds
    p[24], p[25] = 7, 50  # commission_threshold, historical_commission_threshold
    p[32:36] = le(200, 4)  # num_delegation_validators
    p[80:88] = le(5_000 * 10**9, 8)  # minimum_stake_lamports
    p[88:96] = le(5, 8)  # minimum_voting_epochs
    data[at : at + 352] = p
    assert steward_config.decode(bytes(data)) == {
        "mev_commission_range": 10,
        "epoch_credits_range": 30,
        "commission_range": 30,
        "mev_commission_bps_threshold": 900,
        "commission_threshold": 7,
        "historical_commission_threshold": 50,
        "scoring_delinquency_threshold_ratio": 0.95,
        "instant_unstake_delinquency_threshold_ratio": 0.7,
        "num_delegation_validators": 200,
        "minimum_stake_lamports": 5_000 * 10**9,
        "minimum_voting_epochs": 5,
    }
    with pytest.raises(steward_config.StewardConfigError, match="discriminator"):
        steward_config.decode(bytes(8) + bytes(data[8:]))
