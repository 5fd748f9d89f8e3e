"""Decode a vote account's own state: node, commission and up to 64 epochs of credits.

getVoteAccounts trims `epochCredits` to the last five epochs; the account itself keeps 64
(MAX_EPOCH_CREDITS_HISTORY). The layouts are the vote program's bincode `VoteStateVersions`
(anza-xyz/solana-sdk `vote-interface/src/state/`, also restated in jito-foundation/stakenet
`utils/vote-state`): a u32 variant, then the fields below; integers little-endian, a Vec or
VecDeque as a u64 length and its items, an Option as one tag byte.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from solders.pubkey import Pubkey

VOTE_PROGRAM_ID = "Vote111111111111111111111111111111111111111"
PUBKEY = 32
LOCKOUT = 8 + 4  # slot u64, confirmation_count u32
LANDED_VOTE = 1 + LOCKOUT  # latency u8, then a Lockout
PRIOR_VOTERS = 32  # CircBuf entries
BLS_PUBKEY = 48


class VoteStateError(ValueError):
    """The bytes are not a vote state this decoder knows."""


@dataclass(frozen=True)
class VoteState:
    """What mevhouse reads from a vote account: the rest of the state is skipped."""

    version: int
    node_pubkey: str
    # Percent (VoteState v4 keeps basis points; rounded down to a percent as the RPC reports it).
    commission: int
    root_slot: int | None
    # (epoch, cumulative credits at its end, cumulative credits at its start), oldest first.
    epoch_credits: tuple[tuple[int, int, int], ...]


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def take(self, size: int) -> bytes:
        end = self.at + size
        if end > len(self.data):
            raise VoteStateError(f"vote state truncated at byte {self.at} (needs {size} more)")
        chunk = self.data[self.at : end]
        self.at = end
        return chunk

    def skip(self, size: int) -> None:
        self.take(size)

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return int.from_bytes(self.take(2), "little")

    def u32(self) -> int:
        return int.from_bytes(self.take(4), "little")

    def u64(self) -> int:
        return int.from_bytes(self.take(8), "little")

    def pubkey(self) -> str:
        return str(Pubkey(self.take(PUBKEY)))

    def option(self, size: int) -> bytes | None:
        tag = self.u8()
        if tag > 1:
            raise VoteStateError(f"bad Option tag {tag} at byte {self.at - 1}")
        return self.take(size) if tag else None

    def vec(self, item: int) -> int:
        """Skip a Vec of fixed-size items and return its length."""
        count = self.u64()
        self.skip(count * item)
        return count


def _root(r: _Reader) -> int | None:
    raw = r.option(8)
    return None if raw is None else int.from_bytes(raw, "little")


def _credits(r: _Reader) -> tuple[tuple[int, int, int], ...]:
    count = r.u64()
    raw = r.take(count * 24)
    return tuple(struct.iter_unpack("<QQQ", raw))


def decode(data: bytes) -> VoteState:
    """Decode any VoteStateVersions variant mainnet has used (0.23.5, 1.14.11, 1.16.0, v4)."""
    r = _Reader(data)
    version = r.u32()
    if version == 0:  # V0_23_5
        node = r.pubkey()
        r.skip(PUBKEY + 8)  # authorized_voter, authorized_voter_epoch
        r.skip(PRIOR_VOTERS * (PUBKEY + 8 + 8 + 8) + 8 + 1)  # prior_voters buf, idx, is_empty
        r.skip(PUBKEY)  # authorized_withdrawer
        commission = r.u8()
        r.vec(LOCKOUT)
        root = _root(r)
    elif version in (1, 2):  # V1_14_11 (Lockout votes), V1_16_0 (LandedVote votes)
        node = r.pubkey()
        r.skip(PUBKEY)  # authorized_withdrawer
        commission = r.u8()
        r.vec(LOCKOUT if version == 1 else LANDED_VOTE)
        root = _root(r)
        r.vec(8 + PUBKEY)  # authorized_voters: BTreeMap<Epoch, Pubkey>
        r.skip(PRIOR_VOTERS * (PUBKEY + 8 + 8) + 8 + 1)  # prior_voters buf, idx, is_empty
    elif version == 3:  # V4 (SIMD-0185): commissions in basis points, no prior_voters
        node = r.pubkey()
        r.skip(3 * PUBKEY)  # withdrawer, inflation rewards and block revenue collectors
        commission = r.u16() // 100
        r.skip(2 + 8)  # block_revenue_commission_bps, pending_delegator_rewards
        r.option(BLS_PUBKEY)
        r.vec(LANDED_VOTE)
        root = _root(r)
        r.vec(8 + PUBKEY)
    else:
        raise VoteStateError(f"unknown vote state version {version}")
    return VoteState(version, node, commission, root, _credits(r))


def epoch_credit_rows(
    vote_pubkey: str, state: VoteState, epochs: list[int], observed_epoch: int
) -> list[dict[str, object]]:
    """raw_solana.epoch_credits rows for the closed `epochs` a vote account's state reaches.

    The program adds an entry only for an epoch that earned credits, so an epoch after the
    oldest entry without one of its own earned none (its cumulative credits carry over); an
    epoch before the oldest entry is out of reach (no row: unknown).
    """
    history = sorted(state.epoch_credits)
    if not history:
        return []
    by_epoch = {entry[0]: entry for entry in history}
    rows: list[dict[str, object]] = []
    for epoch in sorted(e for e in epochs if history[0][0] <= e < observed_epoch):
        entry = by_epoch.get(epoch)
        if entry is None:
            carried = max(c for e, c, _ in history if e < epoch)
            entry, source = (epoch, carried, carried), "vote_state (no entry: none earned)"
        else:
            source = "vote_state"
        rows.append(
            {
                "epoch": epoch,
                "vote_pubkey": vote_pubkey,
                "credits": entry[1],
                "previous_credits": entry[2],
                "earned": entry[1] - entry[2],
                "observed_epoch": observed_epoch,
                "source": source,
            }
        )
    return rows
