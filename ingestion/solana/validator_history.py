"""Decode Jito StakeNet's ValidatorHistory accounts: per-epoch stake, commissions, credits, client.

The validator-history program (jito-foundation/stakenet `programs/validator-history/src/state.rs`)
keeps one zero-copy account per vote account, at the address derived from the seeds
("validator-history", vote account): an 8-byte Anchor discriminator, a header, then a circular
buffer of 512 `ValidatorHistoryEntry` records of 128 bytes each. A field the keepers never wrote
holds its type's maximum value; it is decoded as None (unknown), never as a number.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from typing import Any

from solders.pubkey import Pubkey

PROGRAM_ID = "HistoryJTGbKQD2mRgLZ3XhqHnN811Qpez8X9kCcGHoa"
SEED = b"validator-history"
DISCRIMINATOR = hashlib.sha256(b"account:ValidatorHistory").digest()[:8]
ENTRIES = 512
ENTRY_SIZE = 128
# Discriminator, then struct_version u32, vote_account, index u32, bump, 7 bytes of padding,
# last_ip_timestamp, last_version_timestamp, validator_age u32, its last-updated epoch u16, 226
# bytes of padding; then the buffer's idx u64, is_empty u8 and 7 bytes of padding.
HEADER = struct.Struct("<8sI32sIB7xQQIH226xQB7x")
ACCOUNT_SIZE = HEADER.size + ENTRIES * ENTRY_SIZE  # 65,856: ValidatorHistory::SIZE
# ValidatorHistoryEntry, repr(C): activated_stake_lamports, epoch, mev_commission, epoch_credits,
# commission, client_type, version (major, minor, patch), ip, merkle_root_upload_authority,
# is_superminority, rank, vote_account_last_update_slot, mev_earned, priority_fee_commission,
# padding, priority_fee_tips, total_priority_fees, total_leader_slots, blocks_produced,
# block_data_updated_at_slot, priority_fee_merkle_root_upload_authority, is_bam_connected.
ENTRY = struct.Struct("<QHHIBBBBH4sBBIQIH2xQQIIQBB46x")
_FIELDS = (
    "activated_stake_lamports",
    "epoch",
    "mev_commission_bps",
    "epoch_credits",
    "commission",
    "client_type",
    "version_major",
    "version_minor",
    "version_patch",
    "ip",
    "merkle_root_upload_authority",
    "is_superminority",
    "rank",
    "vote_account_last_update_slot",
    "mev_earned_centisol",
    "priority_fee_commission_bps",
    "priority_fee_tips",
    "total_priority_fees",
    "total_leader_slots",
    "blocks_produced",
    "block_data_updated_at_slot",
    "priority_fee_merkle_root_upload_authority",
    "is_bam_connected",
)
# MerkleRootUploadAuthority's discriminants; 255 is Unset.
AUTHORITIES = {1: "other", 2: "old_jito_labs", 3: "tip_router", 4: "none"}


class ValidatorHistoryError(ValueError):
    """The bytes are not a ValidatorHistory account."""


@dataclass(frozen=True)
class ValidatorHistory:
    vote_account: str
    # Epochs with non-zero vote credits, as the program counts them; None before it was set.
    validator_age: int | None
    # One dict per written epoch, oldest first; unwritten fields are None.
    entries: tuple[dict[str, Any], ...]


def address(vote_account: str) -> str:
    """The ValidatorHistory account of a vote account (its program-derived address)."""
    seeds = [SEED, bytes(Pubkey.from_string(vote_account))]
    pda, _ = Pubkey.find_program_address(seeds, Pubkey.from_string(PROGRAM_ID))
    return str(pda)


_SIZES = dict(
    zip(
        [f for f in _FIELDS if f != "ip"],
        [struct.calcsize(c) for c in "QHHIBBBBHBBIQIHQQIIQBB"],
        strict=True,
    )
)


def _unset(value: int, size: int) -> bool:
    return value == (1 << (8 * size)) - 1


def _entry(raw: bytes) -> dict[str, Any] | None:
    values = dict(zip(_FIELDS, ENTRY.unpack(raw), strict=True))
    if values["epoch"] == 0xFFFF:
        return None
    entry: dict[str, Any] = {}
    for name, value in values.items():
        if name == "ip":
            entry[name] = None if value == b"\xff" * 4 else ".".join(str(b) for b in value)
        else:
            entry[name] = None if _unset(value, _SIZES[name]) else value
    version = (entry.pop("version_major"), entry.pop("version_minor"), entry.pop("version_patch"))
    entry["client_version"] = None if None in version else "{}.{}.{}".format(*version)
    for name in ("merkle_root_upload_authority", "priority_fee_merkle_root_upload_authority"):
        entry[name] = AUTHORITIES.get(entry[name]) if entry[name] is not None else None
    return entry


def decode(data: bytes) -> ValidatorHistory:
    """Decode a ValidatorHistory account's bytes (as getMultipleAccounts returns them)."""
    if len(data) < ACCOUNT_SIZE:
        raise ValidatorHistoryError(
            f"ValidatorHistory account is {len(data)} bytes; expected {ACCOUNT_SIZE}"
        )
    head = HEADER.unpack_from(data)
    if head[0] != DISCRIMINATOR:
        raise ValidatorHistoryError("not a ValidatorHistory account (discriminator differs)")
    vote_account, age, age_epoch, is_empty = str(Pubkey(head[2])), head[7], head[8], head[10]
    entries: list[dict[str, Any]] = []
    if not is_empty:
        for i in range(ENTRIES):
            at = HEADER.size + i * ENTRY_SIZE
            entry = _entry(data[at : at + ENTRY_SIZE])
            if entry is not None:
                entries.append(entry)
    entries.sort(key=lambda e: e["epoch"])
    # The age fields were padding before; zeroes there mean never set (VALIDATOR_AGE_EPOCH_DEFAULT).
    return ValidatorHistory(vote_account, age if age_epoch else None, tuple(entries))


def _flag(value: int | None) -> bool | None:
    return None if value is None else value == 1


def history_rows(
    history: ValidatorHistory, epochs: list[int], observed_epoch: int
) -> list[dict[str, Any]]:
    """raw_solana.validator_history rows of the requested closed epochs the account holds."""
    wanted = {e for e in epochs if e < observed_epoch}
    return [
        {
            "epoch": entry["epoch"],
            "vote_pubkey": history.vote_account,
            "activated_stake": entry["activated_stake_lamports"],
            "commission": entry["commission"],
            "mev_commission_bps": entry["mev_commission_bps"],
            "epoch_credits": entry["epoch_credits"],
            "client_type": entry["client_type"],
            "client_version": entry["client_version"],
            "is_superminority": _flag(entry["is_superminority"]),
            "stake_rank": entry["rank"],
            "mev_earned_centisol": entry["mev_earned_centisol"],
            "leader_slots": entry["total_leader_slots"],
            "blocks_produced": entry["blocks_produced"],
            "merkle_root_upload_authority": entry["merkle_root_upload_authority"],
            "is_bam_connected": _flag(entry["is_bam_connected"]),
            "validator_age": history.validator_age,
            "observed_epoch": observed_epoch,
        }
        for entry in history.entries
        if entry["epoch"] in wanted
    ]
