"""Deterministic, real-format Solana keys and hashes derived from a seed and a label."""

from __future__ import annotations

from solders.hash import Hash
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from simnet.rng import digest


def keypair(seed: int, label: str) -> Keypair:
    """Return the ed25519 keypair for a label, so the simulator can sign as that account."""
    return Keypair.from_seed(digest(seed, "keypair", label))


def pubkey(seed: int, label: str) -> str:
    """Return the base58 public key of a label's keypair (on the curve, like a wallet's)."""
    return str(keypair(seed, label).pubkey())


def address(seed: int, label: str) -> str:
    """Return a cheap base58 32-byte address for a label (no keypair behind it)."""
    return str(Pubkey(digest(seed, "address", label)))


def hash_b58(seed: int, label: str) -> str:
    """Return a base58 32-byte hash for a label (blockhashes, the genesis hash)."""
    return str(Hash(digest(seed, "hash", label)))
