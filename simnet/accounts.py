"""Account bytes in mainnet's layouts: vote accounts and StakeNet's validator-history and steward
Config accounts.

Vote accounts are the vote program's bincode `VoteStateVersions::V1_16_0` (variant 2; anza-xyz
solana-sdk `vote-interface`); validator-history accounts are jito-foundation/stakenet's
zero-copy `ValidatorHistory` (`programs/validator-history/src/state.rs`); the steward's Config
is its zero-copy `Config` (`programs/steward/src/state/accounts.rs`). All are written here
from the simulator's state, independently of the pipeline's decoders, so that decoding them is a
test of the decoders.
"""

from __future__ import annotations

import hashlib
import struct
import weakref
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from solders.pubkey import Pubkey

from simnet.cluster import Cluster
from simnet.methods.nodes import software_version
from simnet.validators import Population
from simnet.votes import VoteState, credit_matrix, vote_states

VOTE_PROGRAM = "Vote111111111111111111111111111111111111111"
HISTORY_PROGRAM = "HistoryJTGbKQD2mRgLZ3XhqHnN811Qpez8X9kCcGHoa"
HISTORY_SEED = b"validator-history"
HISTORY_ENTRIES = 512
STEWARD_PROGRAM = "Stewardf95sJbmtcZsyagb2dg4Mo8eVQho8gpECvLx8"
STEWARD_CONFIG = "jitoVjT9jRUyeXHzvCwzPgHj7yWNRhLcUoXtes4wtjv"
# simnet's steward runs the parameters the stakenet README documents (seed stakenet_parameters):
# ranges 30/30/30 epochs, MEV commission ≤ 1000 bps, delinquency 0.97 and 0.70, commission ≤ 5%,
# historical ≤ 50%, 400 validators, 5,000 SOL minimum stake, 5 voting epochs.
STEWARD_PARAMETERS = (30, 30, 30, 1_000, 0.97, 0.70, 5, 50, 10, 1, 5_000, 100)
STEWARD_CAPS = (400, 1_000, 1_000, 1_000, 1_000, 0.9, 0.5, 10, 5_000_000_000_000, 5)
# MerkleRootUploadAuthority::TipRouter; 255 (all ones) marks any field never written.
TIP_ROUTER = 3
# Rent exemption: (128 bytes of account overhead + data) * 3,480 lamports a byte-year * 2 years.
RENT_PER_BYTE = 6_960
# Vote accounts are created at VoteState::size_of() and zero-padded past the state.
VOTE_ACCOUNT_SIZE = 3_762
_ENTRY = struct.Struct("<QHHIBBBBH4sBBIQIH2xQQIIQBB46x")
_UNSET_ENTRY = b"\xff" * _ENTRY.size


@dataclass(frozen=True)
class Account:
    owner: str
    data: bytes

    @property
    def lamports(self) -> int:
        return (128 + len(self.data)) * RENT_PER_BYTE


_addresses: weakref.WeakKeyDictionary[Population, dict[str, tuple[str, int]]] = (
    weakref.WeakKeyDictionary()
)


def _directory(pop: Population) -> dict[str, tuple[str, int]]:
    """address -> (program, validator index), built once per population."""
    found = _addresses.get(pop)
    if found is None:
        program = Pubkey.from_string(HISTORY_PROGRAM)
        found = {}
        for v in pop.validators:
            found[v.vote_account] = (VOTE_PROGRAM, v.index)
            seeds = [HISTORY_SEED, bytes(Pubkey.from_string(v.vote_account))]
            found[str(Pubkey.find_program_address(seeds, program)[0])] = (HISTORY_PROGRAM, v.index)
        _addresses[pop] = found
    return found


def accounts(cluster: Cluster, addresses: list[str]) -> list[Account | None]:
    """The accounts at the tip for each address; None where no such account exists."""
    slot = cluster.current_slot()
    directory = _directory(cluster.population)
    wanted = [(STEWARD_PROGRAM, -1) if a == STEWARD_CONFIG else directory.get(a) for a in addresses]
    states: dict[int, VoteState] = {}
    if any(w is not None and w[0] == VOTE_PROGRAM for w in wanted):
        states = {s.index: s for s in vote_states(cluster, slot)}
    earned = np.zeros((0, 0), dtype=np.int64)
    if any(w is not None and w[0] == HISTORY_PROGRAM for w in wanted):
        earned = credit_matrix(cluster, slot)
    out: list[Account | None] = []
    for w in wanted:
        if w is None:
            out.append(None)
        elif w[0] == STEWARD_PROGRAM:
            out.append(Account(STEWARD_PROGRAM, _steward_config()))
        elif w[0] == VOTE_PROGRAM:
            state = states.get(w[1])
            out.append(
                None if state is None else Account(VOTE_PROGRAM, _vote_state(cluster, state))
            )
        else:
            data = _validator_history(cluster, w[1], slot, earned)
            out.append(None if data is None else Account(HISTORY_PROGRAM, data))
    return out


def _pubkey(address: str) -> bytes:
    return bytes(Pubkey.from_string(address))


def _vote_state(cluster: Cluster, state: VoteState) -> bytes:
    v = cluster.population.validators[state.index]
    out = bytearray(struct.pack("<I", 2))
    out += _pubkey(v.identity) + _pubkey(v.identity)  # node, authorized withdrawer
    out += struct.pack("<B", state.commission)
    # The tower: 31 landed votes up to the last vote, each confirmed once more than the next.
    votes = [s for s in range(state.last_vote - 30, state.last_vote + 1) if s >= 0]
    out += struct.pack("<Q", len(votes))
    for depth, slot in enumerate(votes):
        out += struct.pack("<BQI", 1, slot, len(votes) - depth)
    out += struct.pack("<BQ", 1, state.root_slot)
    epoch = cluster.schedule.epoch(state.last_vote)
    out += struct.pack("<Q", 1) + struct.pack("<Q", epoch) + _pubkey(v.identity)
    # prior_voters: an empty circular buffer of 32 (pubkey, epoch, epoch), idx 31, is_empty.
    out += bytes(32 * 48) + struct.pack("<QB", 31, 1)
    out += struct.pack("<Q", len(state.epoch_credits))
    for entry in state.epoch_credits:
        out += struct.pack("<QQQ", *entry)
    out += struct.pack("<Qq", state.last_vote, cluster.blocks.block_time(state.last_vote))
    return bytes(out).ljust(VOTE_ACCOUNT_SIZE, b"\0")


def _validator_history(
    cluster: Cluster, index: int, slot: int, earned: npt.NDArray[np.int64]
) -> bytes | None:
    """The account a StakeNet keeper would have written, one entry per epoch since it joined."""
    pop = cluster.population
    v = pop.validators[index]
    current = cluster.schedule.epoch(slot)
    if v.first_epoch > current:
        return None
    version = tuple(int(p) for p in software_version(cluster.seed, index)[0].split("."))
    if not (version[0] < 255 and version[1] < 255 and version[2] < 65_535):
        version = (255, 255, 65_535)  # ClientVersion has no room for it (Firedancer's 0.505)
    epochs = list(range(max(v.first_epoch, current - HISTORY_ENTRIES + 2), current + 1))
    entries = []
    for epoch in epochs:
        through = min(cluster.schedule.last_slot(epoch), slot)
        credits = int(earned[epoch, index])
        mev = v.mev_commission_at(epoch)
        entries.append(
            _ENTRY.pack(
                int(pop.stakes(epoch)[index]),
                epoch,
                0xFFFF if mev is None else mev,
                credits,
                v.commission_at(epoch),
                1 if v.runs_jito else 0,
                *version,
                b"\xff" * 4,
                TIP_ROUTER if v.runs_jito else 0xFF,
                0xFF,
                0xFFFFFFFF,
                through,
                0xFFFFFFFF,
                0xFFFF,
                *([0xFFFFFFFFFFFFFFFF] * 2),
                0xFFFFFFFF,
                0xFFFFFFFF,
                0xFFFFFFFFFFFFFFFF,
                0xFF,
                0xFF,
            )
        )
    age = int(np.count_nonzero(earned[: current + 1, index]))
    discriminator = hashlib.sha256(b"account:ValidatorHistory").digest()[:8]
    header = struct.pack(
        "<8sI32sIB7xQQIH226xQB7x",
        discriminator,
        0,
        _pubkey(v.vote_account),
        index,
        255,
        0,
        0,
        age,
        current,
        len(entries),  # push() advances idx before writing: entries fill slots 1..n
        0 if entries else 1,
    )
    ring = [_UNSET_ENTRY] * HISTORY_ENTRIES
    for k, entry in enumerate(entries):
        ring[(k + 1) % HISTORY_ENTRIES] = entry
    return header + b"".join(ring)


def _steward_config() -> bytes:
    discriminator = hashlib.sha256(b"account:Config").digest()[:8]
    # Five authorities and an empty 313-word blacklist, then Parameters (352 bytes).
    head = discriminator + bytes(5 * 32) + bytes(313 * 8)
    parameters = struct.pack("<HHHHddBBBBHH", *STEWARD_PARAMETERS) + struct.pack(
        "<IIIIQddQQQ", *STEWARD_CAPS
    )
    parameters = parameters.ljust(352, b"\0")
    # paused and padding, four more authorities, 888 bytes of padding: 4,040 bytes in all.
    return (head + parameters).ljust(8 + 4_040, b"\0")
