"""The DEX programs and the pools simnet lists on them, anchored to the price path on demand."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from simnet import keys
from simnet.dex.pools import Concentrated, ConstantProduct, Levels, PoolMath
from simnet.dex.tokens import (
    BONK,
    JTO,
    JUP,
    PUMPA,
    PUMPB,
    SAHUR,
    SOL,
    T22,
    T22FEE,
    USDC,
    USDT,
    WIF,
    Token,
)


@dataclass(frozen=True)
class Dex:
    """One DEX program and the kind of pool math it runs."""

    name: str
    program: str
    kind: str  # "cp", "cl", "bins" or "book"
    # Where the pool's address sits in the program's swap instruction accounts, as on mainnet
    # (Raydium AMM v4 after the token program; CLMM, Whirlpool and Phoenix third): the marts
    # find a leg's pool there (dbt_project/seeds/dex_programs.csv).
    pool_account_index: int = 0
    # The pool holds its SOL side as the pool account's own lamports (a bonding curve), not as
    # a wSOL vault: buys pay it by System transfer, sells debit it directly.
    native_sol: bool = False


# Program ids as in ../shared/data/mainnet/ samples and public code (docs/simnet_dex.md).
RAYDIUM_AMM_V4 = Dex("raydium_amm_v4", "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8", "cp", 1)
RAYDIUM_CLMM = Dex("raydium_clmm", "CAMMCzo5YL8w4VFF8KVHrK22GGUsp5VTaW7grrKgrWqK", "cl", 2)
ORCA_WHIRLPOOL = Dex("orca_whirlpool", "whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc", "cl", 2)
METEORA_DLMM = Dex("meteora_dlmm", "LBUZKhRxPF3XUpBCjp4YzTKgLccjZhTSDM9YuVaPwxo", "bins")
PHOENIX = Dex("phoenix", "PhoeNiXZ8ByJGLkxNfZRnkUfjvmuYqLR89jjFHGqdXY", "book", 2)
PUMPSWAP = Dex("pumpswap", "pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA", "cp")
JUPITER_V6 = "JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4"
# OKX's DEX router, which routes through other routers (Jupiter) as well as DEXes.
OKX_ROUTER = "6m2CDdhRgxpH4WjvdzxAYbGxwdGUz5MziiL5jek2kBma"
DEXES = (RAYDIUM_AMM_V4, RAYDIUM_CLMM, ORCA_WHIRLPOOL, METEORA_DLMM, PHOENIX, PUMPSWAP)
PUMPFUN_CURVE = Dex(
    "pumpfun_bonding_curve", "6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P", "cp", native_sol=True
)
# Venues outside the registry (dbt_project/seeds/dex_programs.csv): simnet's own program ids,
# which the marts can only call 'unknown'; and a smart-wallet program whose PDAs own traders'
# token accounts.
UNLISTED_A = Dex("unlisted_a", "3grCLYvBVfykF92CJxyyBXfAszodjoVjf4PVrgLvrN9C", "cp")
UNLISTED_B = Dex("unlisted_b", "2uJvjbTTpd31sRDJfFCQqh4VFzV32kysAFJNWw6xtjTy", "cp")
SMART_WALLET = "9Mdk68tmJud7JYczEJoiHhJjsaYZFEdeHbfa6yWGhyX"
# Raydium AMM v4's vault authority (a PDA of the program, the vaults' owner in the samples).
RAYDIUM_AMM_V4_AUTHORITY = "5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1"


@dataclass(frozen=True)
class PoolSpec:
    """A listed pool: its accounts, tokens (a = base, b = quote), fee and depth."""

    dex: Dex
    base: Token
    quote: Token
    fee_bps: int
    # USD value of each side at the anchor price.
    depth_usd: float
    # Tick spacing (cl), bin step (bins) or tick size in bps (book); unused for cp.
    granularity: int
    address: str
    vault_a: str
    vault_b: str
    authority: str

    def mint_of(self, a_side: bool) -> str:
        """Return the mint of side a (True) or b (False)."""
        return (self.base if a_side else self.quote).mint

    def anchored(self, usd_base: float, usd_quote: float, deviation: float) -> PoolMath:
        """Return fresh pool state at the pair's USD price times exp(deviation)."""
        raw = usd_base / usd_quote * 10 ** (self.quote.decimals - self.base.decimals)
        price = raw * math.exp(deviation)
        depth_b = self.depth_usd / usd_quote * self.quote.unit
        if self.dex.kind == "cp":
            y = int(depth_b)
            return ConstantProduct(int(y / price), y, self.fee_bps)
        if self.dex.kind == "cl":
            return Concentrated.around(price, depth_b, self.fee_bps, self.granularity)
        if self.dex.kind == "bins":
            return Levels.dlmm(price, depth_b, self.fee_bps, self.granularity)
        return Levels.book(price, depth_b, self.fee_bps, self.granularity)


# (dex, base, quote, fee bps, depth USD per side, granularity): typical fee tiers of each DEX.
_LISTINGS: tuple[tuple[Dex, Token, Token, int, float, int], ...] = (
    (RAYDIUM_AMM_V4, SOL, USDC, 25, 3e6, 0),
    (RAYDIUM_CLMM, SOL, USDC, 5, 4e6, 10),
    (ORCA_WHIRLPOOL, SOL, USDC, 4, 6e6, 4),
    (METEORA_DLMM, SOL, USDC, 10, 2e6, 10),
    (PHOENIX, SOL, USDC, 3, 1.5e6, 1),
    (RAYDIUM_CLMM, SOL, USDT, 5, 1e6, 10),
    (ORCA_WHIRLPOOL, SOL, USDT, 4, 1.5e6, 4),
    (ORCA_WHIRLPOOL, USDC, USDT, 1, 5e6, 1),
    (RAYDIUM_AMM_V4, JUP, SOL, 25, 3e5, 0),
    (METEORA_DLMM, JUP, SOL, 20, 4e5, 20),
    (ORCA_WHIRLPOOL, JUP, USDC, 30, 8e5, 64),
    (RAYDIUM_AMM_V4, BONK, SOL, 25, 5e5, 0),
    (ORCA_WHIRLPOOL, BONK, SOL, 30, 7e5, 64),
    (RAYDIUM_CLMM, JTO, SOL, 25, 3e5, 60),
    (ORCA_WHIRLPOOL, JTO, SOL, 30, 4e5, 64),
    (RAYDIUM_AMM_V4, WIF, SOL, 25, 6e5, 0),
    (METEORA_DLMM, WIF, SOL, 25, 5e5, 25),
    (RAYDIUM_CLMM, WIF, USDC, 25, 4e5, 60),
    (RAYDIUM_AMM_V4, SAHUR, SOL, 25, 6e4, 0),
    (PUMPSWAP, SAHUR, SOL, 25, 8e4, 0),
    (PUMPSWAP, PUMPA, SOL, 25, 1e5, 0),
    (RAYDIUM_AMM_V4, PUMPB, SOL, 25, 4e4, 0),
    (PUMPSWAP, PUMPB, SOL, 25, 5e4, 0),
    (PUMPSWAP, T22, SOL, 25, 7e4, 0),
)


# Pools only the planted hard shapes trade (simnet/dex/shapes.py), so that planting them leaves
# the ordinary market's pools as they were.
SHAPE_LISTINGS: tuple[tuple[Dex, Token, Token, int, float, int], ...] = (
    (UNLISTED_A, SOL, USDC, 20, 5e5, 0),
    (UNLISTED_B, JUP, SOL, 30, 2e5, 0),
    (ORCA_WHIRLPOOL, USDC, USDT, 1, 1e6, 1),
    (RAYDIUM_CLMM, SOL, USDC, 5, 1e6, 10),
    (METEORA_DLMM, WIF, SOL, 25, 3e5, 25),
    (PUMPFUN_CURVE, PUMPA, SOL, 100, 5e4, 0),
    (PUMPSWAP, T22FEE, SOL, 25, 5e4, 0),
)


@lru_cache(maxsize=8)
def listed_pools(seed: int) -> tuple[PoolSpec, ...]:
    """Return every pool with its real-format accounts derived from the seed."""
    return _pools(seed, _LISTINGS, "dex/pool")


@lru_cache(maxsize=8)
def shape_pools(seed: int) -> tuple[PoolSpec, ...]:
    """Return the pools of the planted hard shapes."""
    return _pools(seed, SHAPE_LISTINGS, "dex/shape-pool")


def _pools(
    seed: int, listings: tuple[tuple[Dex, Token, Token, int, float, int], ...], prefix: str
) -> tuple[PoolSpec, ...]:
    out = []
    for dex, base, quote, fee, depth, granularity in listings:
        address = keys.address(seed, f"{prefix}/{dex.name}/{base.symbol}/{quote.symbol}")
        authority = RAYDIUM_AMM_V4_AUTHORITY if dex is RAYDIUM_AMM_V4 else address
        out.append(
            PoolSpec(
                dex=dex,
                base=base,
                quote=quote,
                fee_bps=fee,
                depth_usd=depth,
                granularity=granularity,
                address=address,
                vault_a=keys.address(seed, f"dex/vault/{address}/{base.mint}"),
                # A bonding curve's SOL is the curve account's own lamports.
                vault_b=address
                if dex.native_sol
                else keys.address(seed, f"dex/vault/{address}/{quote.mint}"),
                authority=authority,
            )
        )
    return tuple(out)


@lru_cache(maxsize=8)
def lookup_table(seed: int) -> tuple[str, tuple[str, ...]]:
    """Return the shared address lookup table routers load pool accounts and mints from."""
    entries: dict[str, None] = {}
    for spec in listed_pools(seed):
        for key in (spec.address, spec.vault_a, spec.vault_b, spec.authority):
            entries[key] = None
    for spec in listed_pools(seed):
        entries[spec.base.mint] = entries[spec.quote.mint] = None
    return keys.address(seed, "dex/lookup-table"), tuple(entries)
