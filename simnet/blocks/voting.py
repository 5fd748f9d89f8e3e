"""Vote transactions: compact TowerSync from most validators, legacy Vote from a few.

Every vote is a legacy-message transaction signed by the validator's identity, paying the base
fee and voting on the block's parent. TowerSync carries the voter's whole tower (the last 31
blocks before the vote, with their confirmation counts, and the root below them), as agave's
vote program (instruction 14) takes it since 2024; legacy Vote (instruction 2) names the voted
slot only. Both are parsed by jsonParsed ("towersync", "vote").
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from solders.hash import Hash

from simnet.blocks.model import Instruction, Transaction
from simnet.blocks.producers import BASE_FEE
from simnet.blocks.programs import CLOCK, SLOT_HASHES, VOTE_PROGRAM
from simnet.blocks.signatures import signature

if TYPE_CHECKING:
    from simnet.blocks.builder import BlockPlan

# The vote program is a builtin with a fixed cost.
VOTE_UNITS = 2_100
# A full tower holds 31 lockouts (MAX_LOCKOUT_HISTORY).
TOWER_DEPTH = 31
_VOTE, _TOWER_SYNC = 2, 14
_NO_ROOT = 2**64 - 1
_LOGS = (f"Program {VOTE_PROGRAM} invoke [1]", f"Program {VOTE_PROGRAM} success")
# Stand-ins for a vote's signature, identity, vote account and their balances when rendering a
# template: "0" is not base58 and no other number in a vote has 19 digits, so as whole words
# they occur nowhere else in a rendered vote.
_MARKERS = ("0signature0", "0identity0", "0vote0", 3 * 10**18, 4 * 10**18)


@lru_cache(maxsize=256)
def _hash_bytes(text: str) -> bytes:
    return bytes(Hash.from_string(text))


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _tower_sync(
    tower: tuple[int, ...], root: int | None, bank_hash: str, timestamp: int, block_id: str
) -> tuple[bytes, dict[str, Any]]:
    lockouts = [
        {"confirmation_count": len(tower) - i, "slot": slot} for i, slot in enumerate(tower)
    ]
    data = bytearray(struct.pack("<IQ", _TOWER_SYNC, _NO_ROOT if root is None else root))
    data += _varint(len(tower))  # short_vec length (compact-u16, same bytes below 2**14)
    previous = root or 0
    for i, slot in enumerate(tower):
        data += _varint(slot - previous) + bytes([len(tower) - i])
        previous = slot
    data += _hash_bytes(bank_hash) + struct.pack("<Bq", 1, timestamp) + _hash_bytes(block_id)
    body = {
        "blockId": block_id,
        "hash": bank_hash,
        "lockouts": lockouts,
        "root": root,
        "timestamp": timestamp,
    }
    return bytes(data), body


@lru_cache(maxsize=32)
def _legacy_vote(slot: int, bank_hash: str, timestamp: int) -> tuple[bytes, dict[str, Any]]:
    data = (
        struct.pack("<IQQ", _VOTE, 1, slot)
        + _hash_bytes(bank_hash)
        + struct.pack("<Bq", 1, timestamp)
    )
    return data, {"hash": bank_hash, "slots": [slot], "timestamp": timestamp}


class VoteProducer:
    """Votes from active validators on the block's parent, TowerSync or legacy by validator."""

    def __init__(self) -> None:
        # The last block's TowerSync (slot, data, body), shared by all its TowerSync votes.
        self._tower: tuple[int, bytes, dict[str, Any]] = (-1, b"", {})

    def _tower_sync(self, plan: BlockPlan) -> tuple[bytes, dict[str, Any]]:
        slot, data, body = self._tower  # one read: other threads may swap it meanwhile
        if slot != plan.slot:
            data, body = _tower_sync(
                plan.tower, plan.root, plan.previous_blockhash, plan.block_time, plan.block_id
            )
            self._tower = (plan.slot, data, body)
        return data, body

    def build(self, plan: BlockPlan, index: int) -> Transaction:
        """Return one validator's vote on the block's parent."""
        voter = plan.voter(index)
        return self._vote(
            plan,
            bool(plan.legacy_voters[voter.index]),
            signature(plan.seed, plan.slot, index),
            voter.identity,
            voter.vote_account,
            plan.balance(index),
            plan.balance(index, 1),
        )

    def renderer(
        self, plan: BlockPlan, render: Callable[[Transaction], bytes]
    ) -> Callable[[int], str]:
        """Return a function giving the rendered vote at a block position (what render gives).

        A block's votes differ only in signature, voter and balances, and JSON with sorted keys
        does not move with values: render one vote per kind with marker values, then fill the
        markers in per position, which costs a fraction of building and rendering each vote.
        """
        templates = [self._template(plan, legacy, render) for legacy in (False, True)]
        legacy_voters = plan.legacy_voters.tolist()
        seed, slot = plan.seed, plan.slot

        def vote(index: int) -> str:
            voter = plan.voter(index)
            text, pick, paid, received = templates[legacy_voters[voter.index]]
            balance, vote_balance = plan.balance(index), plan.balance(index, 1)
            values = (
                signature(seed, slot, index),
                voter.identity,
                voter.vote_account,
                balance,
                balance + paid,
                vote_balance,
                vote_balance + received,
            )
            return text % pick(values)

        return vote

    def _template(
        self, plan: BlockPlan, legacy: bool, render: Callable[[Transaction], bytes]
    ) -> tuple[str, itemgetter[Any], int, int]:
        """Return (a vote rendered with markers as a %-format, an itemgetter putting renderer's
        per-vote values in the order the markers occur, the identity's and the vote account's
        balance changes)."""
        sample = self._vote(plan, legacy, *_MARKERS)
        text = render(sample).decode().replace("%", "%%")
        balances = (*sample.pre_balances[:2], *sample.post_balances[:2])
        # Text -> value index; a balance that does not change is one marker for both values.
        fields = dict(zip(_MARKERS[:3], range(3), strict=True))
        fields |= dict(zip(map(str, balances), (3, 5, 4, 6), strict=True))
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, fields)) + r")\b")
        pick = itemgetter(*(fields[m] for m in pattern.findall(text)))
        paid, received = balances[2] - balances[0], balances[3] - balances[1]
        return pattern.sub("%s", text), pick, paid, received

    def _vote(
        self,
        plan: BlockPlan,
        legacy: bool,
        sig: str,
        identity: str,
        vote: str,
        balance: int,
        vote_balance: int,
    ) -> Transaction:
        accounts: tuple[int, ...]
        if legacy:
            data, body = _legacy_vote(plan.parent_slot, plan.previous_blockhash, plan.block_time)
            info: dict[str, Any] = {
                "clockSysvar": CLOCK,
                "slotHashesSysvar": SLOT_HASHES,
                "vote": body,
                "voteAccount": vote,
                "voteAuthority": identity,
            }
            account_keys: tuple[str, ...] = (identity, vote, SLOT_HASHES, CLOCK, VOTE_PROGRAM)
            header, accounts, kind = (1, 0, 3), (1, 2, 3, 0), "vote"
        else:
            data, body = self._tower_sync(plan)
            info = {"towerSync": body, "voteAccount": vote, "voteAuthority": identity}
            account_keys = (identity, vote, VOTE_PROGRAM)
            header, accounts, kind = (1, 0, 1), (1, 0), "towersync"
        program = len(account_keys) - 1
        rest = (1,) * (len(account_keys) - 2)
        return Transaction(
            signature=sig,
            version=None,
            account_keys=account_keys,
            header=header,
            instructions=(
                Instruction(program, accounts, data, ("vote", {"info": info, "type": kind})),
            ),
            recent_blockhash=plan.previous_blockhash,
            fee=BASE_FEE,
            pre_balances=(balance, vote_balance, *rest),
            post_balances=(balance - BASE_FEE, vote_balance, *rest),
            log_messages=_LOGS,
            compute_units=VOTE_UNITS,
            is_vote=True,
        )
