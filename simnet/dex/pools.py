"""Pool math: constant product, concentrated liquidity over ticks, and discrete price levels.

Amounts are raw token units. A pool trades token a against token b; its price is b per a in raw
units. The input fee stays in the pool (as on Raydium, Orca and Meteora), so vaults grow by the
full amount in and shrink by the amount out. Every math class can quote without changing state,
swap, and clone itself (searchers size their trades on clones).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

BPS = 10_000


class PoolMath(Protocol):
    """State and swap rule of one pool type."""

    fee_bps: int

    def swap(self, amount_in: int, a_to_b: bool, commit: bool = True) -> tuple[int, int]:
        """Return (amount actually taken in, amount out); change state only when commit."""
        ...

    def price(self) -> float:
        """Return the marginal price, b per a in raw units."""
        ...

    def reserves(self) -> tuple[float, float]:
        """Return the tokens the pool can pay out: (a, b)."""
        ...

    def clone(self) -> PoolMath:
        """Return an independent copy of the state."""
        ...


@dataclass
class ConstantProduct:
    """x * y = k on the reserves (Raydium AMM v4, PumpSwap)."""

    x: int
    y: int
    fee_bps: int

    def swap(self, amount_in: int, a_to_b: bool, commit: bool = True) -> tuple[int, int]:
        """Return (amount in, amount out) of an exact-in swap, integer-exact like Raydium's."""
        reserve_in, reserve_out = (self.x, self.y) if a_to_b else (self.y, self.x)
        net = amount_in * (BPS - self.fee_bps) // BPS
        out = reserve_out * net // (reserve_in + net)
        if commit:
            if a_to_b:
                self.x, self.y = self.x + amount_in, self.y - out
            else:
                self.x, self.y = self.x - out, self.y + amount_in
        return amount_in, out

    def price(self) -> float:
        """Return y / x."""
        return self.y / self.x

    def reserves(self) -> tuple[float, float]:
        """Return (x, y)."""
        return float(self.x), float(self.y)

    def clone(self) -> ConstantProduct:
        """Return a copy."""
        return ConstantProduct(self.x, self.y, self.fee_bps)


@dataclass
class Concentrated:
    """Uniswap-v3-style liquidity in contiguous tick bands (Raydium CLMM, Orca Whirlpool).

    Ticks are simplified to a few bands of constant liquidity; within a band the sqrt price moves
    as in the real programs, and a swap crosses bands until its input is used up or the last band
    ends (then it takes in only what it could use).
    """

    # Band i spans sqrt prices [edges[i], edges[i + 1]) with liquidity liquidity[i].
    edges: tuple[float, ...]
    liquidity: tuple[float, ...]
    sqrt_price: float
    band: int
    fee_bps: int

    @classmethod
    def around(
        cls, price: float, depth_b: float, fee_bps: int, tick_spacing: int, bands: int = 9
    ) -> Concentrated:
        """Return liquidity centred on a price, peaked at the middle band, worth ~depth_b of b."""
        half = bands // 2
        # Each band is 20 tick spacings wide (1.0001 per tick), the outermost ones open-ended.
        width = 1.0001 ** (10 * tick_spacing)
        root = math.sqrt(price)
        edges = [root * width ** (k - half - 0.5) for k in range(bands + 1)]
        edges[0], edges[-1] = edges[0] / 8, edges[-1] * 8
        shape = [math.exp(-0.5 * ((k - half) / (half / 1.5)) ** 2) for k in range(bands)]
        # Value held in b: the middle band's b side plus everything below it.
        per_unit = sum(
            s * (min(edges[k + 1], root) - edges[k]) for k, s in enumerate(shape) if edges[k] < root
        )
        scale = depth_b / per_unit
        return cls(tuple(edges), tuple(s * scale for s in shape), root, half, fee_bps)

    def swap(self, amount_in: int, a_to_b: bool, commit: bool = True) -> tuple[int, int]:
        """Return (amount in, amount out), crossing bands as needed."""
        left = amount_in * (BPS - self.fee_bps) / BPS
        sp, band, out = self.sqrt_price, self.band, 0.0
        edges, liq = self.edges, self.liquidity
        while left > 0:
            big_l = liq[band]
            if a_to_b:  # price falls towards the band's lower edge
                lo = edges[band]
                room = big_l * (1 / lo - 1 / sp)
                if left < room:
                    new = big_l * sp / (big_l + left * sp)
                    out += big_l * (sp - new)
                    sp, left = new, 0.0
                    break
                out += big_l * (sp - lo)
                left -= room
                sp = lo
                if band == 0:
                    break
                band -= 1
            else:  # price rises towards the upper edge
                hi = edges[band + 1]
                room = big_l * (hi - sp)
                if left < room:
                    new = sp + left / big_l
                    out += big_l * (1 / sp - 1 / new)
                    sp, left = new, 0.0
                    break
                out += big_l * (1 / sp - 1 / hi)
                left -= room
                sp = hi
                if band == len(liq) - 1:
                    break
                band += 1
        taken = amount_in - int(left * BPS / (BPS - self.fee_bps))
        if commit:
            self.sqrt_price, self.band = sp, band
        return taken, int(out)

    def price(self) -> float:
        """Return the square of the sqrt price."""
        return self.sqrt_price**2

    def reserves(self) -> tuple[float, float]:
        """Return the a held above the price and the b held below it, over all bands."""
        a = b = 0.0
        sp = self.sqrt_price
        for k, big_l in enumerate(self.liquidity):
            lo, hi = self.edges[k], self.edges[k + 1]
            if hi > sp:
                a += big_l * (1 / max(lo, sp) - 1 / hi)
            if lo < sp:
                b += big_l * (min(hi, sp) - lo)
        return a, b

    def clone(self) -> Concentrated:
        """Return a copy (band edges and liquidity are shared: they never change)."""
        return Concentrated(self.edges, self.liquidity, self.sqrt_price, self.band, self.fee_bps)


class Levels:
    """Liquidity at discrete prices: Meteora DLMM bins, or a Phoenix order book's levels.

    Levels hold a for sale (asks) or b to buy a (bids); a swap fills level by level from the best
    one outwards. DLMM bins convert what they receive into the other token (a filled ask bin now
    bids), while a filled order leaves the book: its proceeds belong to the maker's seat.
    """

    def __init__(
        self,
        prices: tuple[float, ...],
        a: list[float],
        b: list[float],
        fee_bps: int,
        converts: bool,
    ) -> None:
        self.prices, self.a, self.b = prices, a, b
        self.fee_bps = fee_bps
        self.converts = converts
        self._touch()

    @classmethod
    def dlmm(
        cls, price: float, depth_b: float, fee_bps: int, bin_step: int, bins: int = 41
    ) -> Levels:
        """Return a spot-shaped DLMM pool: equal value per bin, mixed at the active bin."""
        half = bins // 2
        prices = tuple(price * (1 + bin_step / BPS) ** (k - half) for k in range(bins))
        per_bin = depth_b / (half + 0.5)
        b = [per_bin if k < half else 0.0 for k in range(bins)]
        a = [per_bin / prices[k] if k > half else 0.0 for k in range(bins)]
        b[half], a[half] = per_bin / 2, per_bin / 2 / prices[half]
        return cls(prices, a, b, fee_bps, converts=True)

    @classmethod
    def book(
        cls, mid: float, depth_b: float, fee_bps: int, tick_bps: int, levels: int = 20
    ) -> Levels:
        """Return an order book: `levels` bids and asks one tick apart around the mid."""
        step = tick_bps / BPS
        bids = [mid * (1 - step * (levels - k - 0.5)) for k in range(levels)]
        asks = [mid * (1 + step * (k + 0.5)) for k in range(levels)]
        # Deeper away from the touch.
        size_b = [depth_b / levels * (0.5 + k / levels) for k in range(levels)]
        return cls(
            tuple(bids + asks),
            [0.0] * levels + [size / ask for size, ask in zip(size_b, asks, strict=True)],
            size_b[::-1] + [0.0] * levels,
            fee_bps,
            converts=False,
        )

    def swap(self, amount_in: int, a_to_b: bool, commit: bool = True) -> tuple[int, int]:
        """Return (amount in, amount out), filling level by level."""
        left = amount_in * (BPS - self.fee_bps) / BPS
        out = 0.0
        fills: list[tuple[int, float, float]] = []
        i = self.bid if a_to_b else self.ask
        keep = 1.0 if self.converts else 0.0
        prices, a, b = self.prices, self.a, self.b
        while left > 1e-9 and 0 <= i < len(prices):
            p = prices[i]
            if a_to_b:  # sell a into bids
                got = min(b[i], left * p)
                fills.append((i, keep * got / p, -got))
                left -= got / p
                i -= 1
            else:  # buy a from asks
                got = min(a[i], left / p)
                fills.append((i, -got, keep * got * p))
                left -= got * p
                i += 1
            out += got
        taken = amount_in - int(left * BPS / (BPS - self.fee_bps))
        if commit:
            for j, da, db in fills:
                a[j] = max(a[j] + da, 0.0)
                b[j] = max(b[j] + db, 0.0)
            self._touch()
        return taken, int(out)

    def _touch(self) -> None:
        # Best bid: the highest level holding b; best ask: the lowest holding a.
        bids = [k for k, v in enumerate(self.b) if v > 1e-9]
        asks = [k for k, v in enumerate(self.a) if v > 1e-9]
        self.bid = bids[-1] if bids else -1
        self.ask = asks[0] if asks else len(self.prices)

    def price(self) -> float:
        """Return the geometric mid of the best bid and the best ask."""
        if self.bid < 0:
            return self.prices[self.ask]
        if self.ask >= len(self.prices):
            return self.prices[self.bid]
        return math.sqrt(self.prices[self.bid] * self.prices[self.ask])

    def reserves(self) -> tuple[float, float]:
        """Return the a and b resting in the levels."""
        return sum(self.a), sum(self.b)

    def clone(self) -> Levels:
        """Return a copy with its own level reserves."""
        return Levels(self.prices, self.a.copy(), self.b.copy(), self.fee_bps, self.converts)
