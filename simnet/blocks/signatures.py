"""Transaction signatures that encode (slot, index), so getTransaction can rebuild one cheaply."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from solders.signature import Signature

from simnet.rng import digest


@lru_cache(maxsize=16)
def _mask(seed: int) -> int:
    return int.from_bytes(digest(seed, "signature-mask")[:12], "little")


def signature(seed: int, slot: int, index: int) -> str:
    """Return the base58 signature of a block's index-th transaction."""
    # 12 bytes hold slot and index (masked so they look random); 52 bytes check the rest.
    head = ((slot | index << 64) ^ _mask(seed)).to_bytes(12, "little")
    tail = hashlib.blake2b(head, digest_size=52, key=seed.to_bytes(8, "little")).digest()
    return str(Signature(head + tail))


def locate(seed: int, text: str) -> tuple[int, int] | None:
    """Return (slot, index) behind a simnet signature, or None for any other signature."""
    try:
        raw = bytes(Signature.from_string(text))
    except ValueError:
        return None
    head = raw[:12]
    if hashlib.blake2b(head, digest_size=52, key=seed.to_bytes(8, "little")).digest() != raw[12:]:
        return None
    value = int.from_bytes(head, "little") ^ _mask(seed)
    return value & (2**64 - 1), value >> 64
