"""The leader-window sample: which 4-slot windows get their full transactions loaded.

A window is sampled when a hash of its first slot falls below the rate, so the choice is the same
on every run and machine, and all 4 slots of a leader's window (bundles, cross-slot sandwiches)
are loaded together or not at all.
"""

from __future__ import annotations

import hashlib

WINDOW = 4  # NUM_CONSECUTIVE_LEADER_SLOTS


def window_start(slot: int) -> int:
    return slot // WINDOW * WINDOW


def is_sampled(start: int, rate: float) -> bool:
    """Whether the window starting at `start` is in a sample of `rate` (0..1) of all windows."""
    if rate >= 1.0:
        return True
    digest = hashlib.blake2b(start.to_bytes(8, "little"), digest_size=8).digest()
    return int.from_bytes(digest, "little") < rate * 2**64
