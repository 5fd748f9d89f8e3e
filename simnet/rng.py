"""Deterministic randomness keyed by (seed, label, ...): no shared mutable RNG state anywhere."""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def digest(seed: int, label: str, *parts: int | str) -> bytes:
    """Return the SHA-256 digest of a seed, a label and extra parts."""
    text = "/".join(["simnet", str(seed), label, *(str(p) for p in parts)])
    return hashlib.sha256(text.encode()).digest()


def rng(seed: int, label: str, *parts: int | str) -> np.random.Generator:
    """Return a fresh numpy Generator for one (seed, label, parts) key."""
    words = np.frombuffer(digest(seed, label, *parts), dtype="<u4")
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(words.tolist())))


def key64(seed: int, label: str, *parts: int | str) -> int:
    """Return a 64-bit key for hashing many small items (such as slots) under one label."""
    return int.from_bytes(digest(seed, label, *parts)[:8], "little")


def _splitmix64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    # splitmix64's finaliser: a cheap, well-mixed bijection that vectorises over uint64 arrays.
    x = (x + np.uint64(0x9E3779B97F4A7C15)) & _MASK64
    x = ((x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & _MASK64
    x = ((x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & _MASK64
    return x ^ (x >> np.uint64(31))


def item_uniform(key: int, items: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Return a uniform [0, 1) draw per item, a pure function of (key, item)."""
    mixed = _splitmix64(items.astype(np.uint64) ^ np.uint64(key))
    # Top 53 bits give an exactly representable double in [0, 1).
    return (mixed >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))
