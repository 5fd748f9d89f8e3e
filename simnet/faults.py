"""Fault injection: a spec string, and per-request decisions keyed by seed and request order."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

import numpy as np

from simnet.rng import item_uniform, key64

# Checked in this order against one uniform draw per request.
KINDS = ("429", "5xx", "reset", "timeout", "truncate", "invalid")
# getBlock's own fault: a produced, finalized block answers -32004 "Block not available" (the
# transient error mainnet nodes give while a block is still being stored), drawn per getBlock call.
UNAVAILABLE = "unavailable"
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)$")


@dataclass(frozen=True)
class FaultSpec:
    """Fault rates per request, added latency, the hang of a timeout and a per-client limit."""

    rates: tuple[tuple[str, float], ...] = ()
    latency: float = 0.0
    hang: float = 10.0
    # Requests per second per client address (None: unlimited), as public RPC nodes limit.
    rps: float | None = None
    retry_after: int = 1
    # Share of getBlock calls for produced slots answered with -32004.
    unavailable: float = 0.0

    @property
    def active(self) -> bool:
        """Return whether the spec injects anything at all."""
        return bool(self.rates) or self.latency > 0 or self.rps is not None


def _duration(text: str) -> float:
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"bad duration {text!r}; use e.g. 50ms or 2s")
    value = float(match.group(1))
    return value / 1000 if match.group(2) == "ms" else value


def parse(spec: str) -> FaultSpec:
    """Parse "latency=50ms,429=0.05,5xx=0.02,reset=0.01,timeout=0.01,rps=10,unavailable=0.1"."""
    rates: dict[str, float] = {}
    latency, hang, rps, retry_after, unavailable = 0.0, 10.0, None, 1, 0.0
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"bad fault {item!r}; expected name=value")
        if name == "latency":
            latency = _duration(value)
        elif name == "hang":
            hang = _duration(value)
        elif name == "rps":
            rps = float(value)
            if rps <= 0:
                raise ValueError("rps must be positive")
        elif name == "retry_after":
            retry_after = int(value)
        elif name in KINDS:
            rates[name] = _rate(name, value)
        elif name == UNAVAILABLE:
            unavailable = _rate(name, value)
        else:
            raise ValueError(
                f"unknown fault {name!r}; known: latency, hang, rps, retry_after, "
                + ", ".join((*KINDS, UNAVAILABLE))
            )
    if sum(rates.values()) > 1.0:
        raise ValueError("fault rates add up to more than 1")
    ordered = tuple((kind, rates[kind]) for kind in KINDS if kind in rates)
    return FaultSpec(
        rates=ordered,
        latency=latency,
        hang=hang,
        rps=rps,
        retry_after=retry_after,
        unavailable=unavailable,
    )


def _rate(name: str, value: str) -> float:
    rate = float(value)
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"fault rate {name}={value} must be within 0..1")
    return rate


class FaultInjector:
    """Decides each request's fault from (seed, request number); rate-limits per client."""

    def __init__(self, spec: FaultSpec, seed: int) -> None:
        self.spec = spec
        self._key = key64(seed, "faults")
        self._lock = threading.Lock()
        self._count = 0
        # Per client: (tokens, last refill time) of a token bucket holding one second's worth.
        self._buckets: dict[str, tuple[float, float]] = {}

    def limited(self, client: str, now: float | None = None) -> bool:
        """Return whether a client has exceeded its requests per second (and count the request)."""
        rps = self.spec.rps
        if rps is None:
            return False
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(client, (rps, now))
            tokens = min(rps, tokens + (now - last) * rps)
            if tokens < 1.0:
                self._buckets[client] = (tokens, now)
                return True
            self._buckets[client] = (tokens - 1.0, now)
            return False

    def next(self) -> tuple[str | None, float]:
        """Return the next request's fault kind (None for none) and a second draw for details."""
        with self._lock:
            number = self._count
            self._count += 1
        if not self.spec.rates:
            return None, 0.0
        u, detail = item_uniform(self._key, np.array([2 * number, 2 * number + 1], dtype=np.int64))
        for kind, rate in self.spec.rates:
            if u < rate:
                return kind, float(detail)
            u -= rate
        return None, float(detail)


class CallFaults:
    """Decides whether a method's n-th call fails, from (seed, label, n), at a fixed rate."""

    def __init__(self, rate: float, seed: int, label: str) -> None:
        self.rate = rate
        self._key = key64(seed, "faults", label)
        self._lock = threading.Lock()
        self._count = 0

    def hit(self) -> bool:
        """Return whether this call fails (and count it)."""
        if not self.rate:
            return False
        with self._lock:
            number = self._count
            self._count += 1
        return bool(item_uniform(self._key, np.array([number], dtype=np.int64))[0] < self.rate)
