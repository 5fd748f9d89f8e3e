"""The vote-state decoder against the vote program's published layouts and offsets.

No recorded mainnet vote-account bytes were found in public fixtures; the states here are laid
out field by field from anza-xyz/solana-sdk `vote-interface/src/state/` and checked against
constants those programs publish: the commission's byte offset per version (stakenet
`utils/vote-state`: 1909, 68, 68, 132) and the size of a maximal state (VoteState::size_of():
3,762 bytes; 3,731 for 1.14.11).
"""

from __future__ import annotations

import struct

import pytest

from ingestion.solana.vote_state import VoteStateError, decode, epoch_credit_rows

NODE = bytes(range(1, 33))
OTHER = bytes([7] * 32)
CREDITS = [(600, 1_000, 400), (601, 1_500, 1_000), (603, 2_100, 1_500)]


def credits_bytes(entries: list[tuple[int, int, int]]) -> bytes:
    return struct.pack("<Q", len(entries)) + b"".join(struct.pack("<QQQ", *e) for e in entries)


def tail(entries: list[tuple[int, int, int]]) -> bytes:
    return credits_bytes(entries) + struct.pack("<Qq", 9_000, 1_700_000_000)


def state(version: int, votes: int, voters: int, entries: list[tuple[int, int, int]]) -> bytes:
    """A vote state of one version with `votes` tower entries and `voters` authorized voters."""
    head = struct.pack("<I", version)
    root = struct.pack("<BQ", 1, 8_990)
    authorized = struct.pack("<Q", voters) + b"".join(
        struct.pack("<Q", 600 + i) + OTHER for i in range(voters)
    )
    if version == 0:
        lockouts = struct.pack("<Q", votes) + struct.pack("<QI", 9_000, 1) * votes
        prior = bytes(32 * (32 + 24)) + struct.pack("<QB", 31, 1)
        return (
            head + NODE + OTHER + struct.pack("<Q", 5) + prior + OTHER + bytes([7])
            + lockouts + root + tail(entries)
        )  # fmt: skip
    if version in (1, 2):
        vote = struct.pack("<QI", 9_000, 1) if version == 1 else struct.pack("<BQI", 1, 9_000, 1)
        prior = bytes(32 * (32 + 16)) + struct.pack("<QB", 31, 1)
        return (
            head + NODE + OTHER + bytes([7]) + struct.pack("<Q", votes) + vote * votes
            + root + authorized + prior + tail(entries)
        )  # fmt: skip
    bls = struct.pack("<B", 1) + bytes(48)
    return (
        head + NODE + OTHER + OTHER + OTHER + struct.pack("<HHQ", 750, 0, 0) + bls
        + struct.pack("<Q", votes) + struct.pack("<BQI", 1, 9_000, 1) * votes
        + root + authorized + tail(entries)
    )  # fmt: skip


@pytest.mark.parametrize(("version", "commission_at"), [(0, 1909), (1, 68), (2, 68), (3, 132)])
def test_every_version_decodes_node_commission_root_and_credits(
    version: int, commission_at: int
) -> None:
    data = state(version, votes=3, voters=2, entries=CREDITS)
    # The layout the test builds puts the commission where the stakenet program reads it.
    if version == 3:
        assert struct.unpack_from("<H", data, commission_at)[0] == 750
    else:
        assert data[commission_at] == 7
    decoded = decode(data + bytes(100))  # accounts are zero-padded past the state
    assert decoded.version == version
    assert decoded.commission == 7  # v4's 750 basis points, as the percent the RPC reports
    assert decoded.root_slot == 8_990
    assert decoded.epoch_credits == tuple(CREDITS)
    assert decoded.node_pubkey == "4wBqpZM9xaSheZzJSMawUKKwhdpChKbZ5eu5ky4Vigw"


def test_a_maximal_state_has_the_programs_sizes() -> None:
    # get_max_sized_vote_state: 31 votes, 4 authorized voters, 64 epochs of credits.
    full = [(e, e + 1, e) for e in range(64)]
    assert len(state(2, votes=31, voters=4, entries=full)) == 3_762
    assert len(state(1, votes=31, voters=4, entries=full)) == 3_731
    assert len(decode(state(2, votes=31, voters=4, entries=full)).epoch_credits) == 64


def test_unknown_or_truncated_bytes_are_refused() -> None:
    with pytest.raises(VoteStateError, match="version 9"):
        decode(struct.pack("<I", 9) + bytes(200))
    with pytest.raises(VoteStateError, match="truncated"):
        decode(state(2, votes=3, voters=1, entries=CREDITS)[:500])


def test_rows_cover_requested_epochs_the_state_reaches() -> None:
    decoded = decode(state(2, votes=1, voters=1, entries=CREDITS))
    rows = epoch_credit_rows("V", decoded, [599, 600, 602, 603, 604], observed_epoch=604)
    by_epoch = {r["epoch"]: r for r in rows}
    # 599 is before the oldest entry: unknown, no row. 604 is still open.
    assert sorted(by_epoch) == [600, 602, 603]
    assert (by_epoch[600]["earned"], by_epoch[600]["source"]) == (600, "vote_state")
    # No entry for 602 between 601 and 603: it earned nothing; the cumulative carries over.
    assert by_epoch[602] == {
        "epoch": 602,
        "vote_pubkey": "V",
        "credits": 1_500,
        "previous_credits": 1_500,
        "earned": 0,
        "observed_epoch": 604,
        "source": "vote_state (no entry: none earned)",
    }
    assert by_epoch[603]["earned"] == 600
