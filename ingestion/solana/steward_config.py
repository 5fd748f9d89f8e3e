"""Decode the Jito StakeNet steward's Config account: the scoring parameters JitoSOL runs with.

Layout from jito-foundation/stakenet `programs/steward/src/state/accounts.rs` (`Config`, 4,040
bytes after the 8-byte Anchor discriminator: five pubkeys, a 313-word blacklist bitmask, then
`Parameters`) and `state/parameters.rs` (`Parameters`, zero-copy, 352 bytes). The JitoSOL
Config's address is listed in the stakenet README ("Steward Config").
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

JITOSOL_CONFIG = "jitoVjT9jRUyeXHzvCwzPgHj7yWNRhLcUoXtes4wtjv"
DISCRIMINATOR = hashlib.sha256(b"account:Config").digest()[:8]
# Discriminator, stake_pool, validator_list, admin, parameters_authority, blacklist_authority,
# validator_history_blacklist (313 u64 words).
PARAMETERS_OFFSET = 8 + 5 * 32 + 313 * 8
ACCOUNT_SIZE = 8 + 4_040
# The Parameters fields mevhouse scores with, in their repr(C) order up to minimum_voting_epochs.
PARAMETERS = struct.Struct("<HHHHddBBBBHHIIIIQddQQQ")
_NAMES = (
    "mev_commission_range",
    "epoch_credits_range",
    "commission_range",
    "mev_commission_bps_threshold",
    "scoring_delinquency_threshold_ratio",
    "instant_unstake_delinquency_threshold_ratio",
    "commission_threshold",
    "historical_commission_threshold",
    "priority_fee_lookback_epochs",
    "priority_fee_lookback_offset",
    "priority_fee_max_commission_bps",
    "priority_fee_error_margin_bps",
    "num_delegation_validators",
    "scoring_unstake_cap_bps",
    "instant_unstake_cap_bps",
    "stake_deposit_unstake_cap_bps",
    "compute_score_slot_range",
    "instant_unstake_epoch_progress",
    "instant_unstake_inputs_epoch_progress",
    "num_epochs_between_scoring",
    "minimum_stake_lamports",
    "minimum_voting_epochs",
)
# What raw_solana.stakenet_config keeps (the seed `stakenet_parameters` has the same names).
KEPT = (
    "mev_commission_range",
    "epoch_credits_range",
    "commission_range",
    "mev_commission_bps_threshold",
    "commission_threshold",
    "historical_commission_threshold",
    "scoring_delinquency_threshold_ratio",
    "instant_unstake_delinquency_threshold_ratio",
    "num_delegation_validators",
    "minimum_stake_lamports",
    "minimum_voting_epochs",
)


class StewardConfigError(ValueError):
    """The bytes are not a steward Config account."""


def decode(data: bytes) -> dict[str, Any]:
    """The scoring parameters of a steward Config account's bytes."""
    if len(data) < ACCOUNT_SIZE:
        raise StewardConfigError(f"steward Config is {len(data)} bytes; expected {ACCOUNT_SIZE}")
    if data[:8] != DISCRIMINATOR:
        raise StewardConfigError("not a steward Config account (discriminator differs)")
    values = dict(zip(_NAMES, PARAMETERS.unpack_from(data, PARAMETERS_OFFSET), strict=True))
    return {name: values[name] for name in KEPT}


def config_row(address: str, data: bytes, observed_epoch: int) -> dict[str, Any]:
    """The raw_solana.stakenet_config row of a Config read in `observed_epoch`."""
    return {"observed_epoch": observed_epoch, "config_address": address, **decode(data)}
