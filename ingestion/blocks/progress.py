"""Progress of a long load (slots done of total, rate, time left), logged every few seconds."""

from __future__ import annotations

import logging
import time

# The CLI shows this logger's records; the Dagster asset forwards them to the run's log.
log = logging.getLogger("mevhouse.progress")


class Progress:
    def __init__(self, what: str, total: int, every: float = 5.0) -> None:
        self.what = what
        self.total = total
        self.every = every
        self.done = 0
        self._start = self._last = time.monotonic()

    def advance(self, slots: int) -> None:
        self.done += slots
        now = time.monotonic()
        if now - self._last >= self.every or self.done >= self.total:
            self._last = now
            log.info(self.line(now))

    def line(self, now: float) -> str:
        elapsed = max(now - self._start, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else float("inf")
        share = self.done / self.total if self.total else 1.0
        return (
            f"{self.what}: {self.done:,}/{self.total:,} slots ({share:.0%}), "
            f"{rate:,.0f} slots/s, {_duration(left)} left"
        )


def _duration(seconds: float) -> str:
    if seconds == float("inf"):
        return "unknown time"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"
