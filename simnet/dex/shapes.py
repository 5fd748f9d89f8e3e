"""The hard swap shapes of mainnet that a decoder must get right, planted with their truth.

Each shape is an honest trade through pools only the shapes use (markets.py SHAPE_LISTINGS), on
a chunk state of their own, so planting them leaves the ordinary market as it was:

- unlisted_venue: a direct swap on a program the venue registry does not list ('unknown');
- relayed: a Jupiter route whose fee payer is a relayer, not the owner of the token accounts;
- program_owned: a smart-wallet program swaps for its PDA, which owns the token accounts;
- three_venue_route: a Jupiter route through Orca, Raydium CLMM and Meteora DLMM;
- route_unlisted_leg: a Jupiter route whose middle leg runs on an unlisted program;
- split_route: a Jupiter route splitting its input over two pools (parallel legs), then on;
- two_router_route: OKX's router calling Jupiter, which runs the legs (two routers deep);
- curve_buy / curve_sell: a pump.fun bonding curve holding native SOL: a buy pays SOL by System
  transfer, a sell is paid by the program debiting the curve's lamports (no transfer);
- token_2022_fee: a buy of a Token-2022 mint with a transfer fee (transferCheckedWithFee): the
  trader receives the amount less the fee withheld on its account.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from simnet import keys
from simnet.blocks.producers import WALLETS, wallet
from simnet.dex.markets import JUPITER_V6, OKX_ROUTER, SMART_WALLET, PoolSpec
from simnet.dex.model import Leg, PlannedTx, hop_inner_index
from simnet.dex.state import ChunkState
from simnet.dex.tokens import BY_MINT

SHAPES = (
    "unlisted_venue",
    "relayed",
    "program_owned",
    "three_venue_route",
    "route_unlisted_leg",
    "split_route",
    "two_router_route",
    "curve_buy",
    "curve_sell",
    "token_2022_fee",
)
# Gasless relayers and smart-wallet PDAs are few next to ordinary wallets.
_RELAYERS = 8
_SMART_WALLETS = 64
_MEDIAN_USD = 200.0
_SIGMA = 1.0
_MAX_SHARE_OF_DEPTH = 0.01

# A hop: (pool index in SHAPE_LISTINGS, a_to_b).
_Hop = tuple[int, bool]
# SHAPE_LISTINGS positions.
_UNLISTED_SOL_USDC, _UNLISTED_JUP_SOL, _ORCA_USDC_USDT, _CLMM_SOL_USDC = 0, 1, 2, 3
_DLMM_WIF_SOL, _CURVE_PUMPA_SOL, _PUMPSWAP_FEE_SOL = 4, 5, 6


class Shapes:
    """Draws the planted hard shapes against their own pools."""

    def __init__(self, seed: int, state: ChunkState) -> None:
        self.seed = seed
        self.state = state
        self._plant: dict[str, Callable[[np.random.Generator, int], PlannedTx]] = {
            "unlisted_venue": self._unlisted_venue,
            "relayed": self._relayed,
            "program_owned": self._program_owned,
            "three_venue_route": self._three_venue_route,
            "route_unlisted_leg": self._route_unlisted_leg,
            "split_route": self._split_route,
            "two_router_route": self._two_router_route,
            "curve_buy": self._curve_buy,
            "curve_sell": self._curve_sell,
            "token_2022_fee": self._token_2022_fee,
        }

    @property
    def specs(self) -> tuple[PoolSpec, ...]:
        """Return the shapes' pools."""
        return self.state.specs

    def plant(self, g: np.random.Generator, shape: str, slot: int) -> PlannedTx:
        """Return one transaction of a shape, run against its pools."""
        return self._plant[shape](g, slot)

    # Parties -------------------------------------------------------------------------------

    def _wallet(self, g: np.random.Generator) -> str:
        return wallet(self.seed, int(g.integers(WALLETS)))

    def _amount(self, g: np.random.Generator, hop: _Hop, slot: int) -> int:
        spec = self.specs[hop[0]]
        usd = min(
            _MEDIAN_USD * float(np.exp(_SIGMA * g.standard_normal())),
            _MAX_SHARE_OF_DEPTH * spec.depth_usd,
        )
        return self.state.raw(spec.mint_of(hop[1]), usd, slot)

    # Legs ----------------------------------------------------------------------------------

    def _run(self, hops: list[_Hop], amount: int, kind: str) -> list[Leg]:
        legs = []
        for k, (pool, a_to_b) in enumerate(hops):
            leg = self.state.swap(pool, amount, a_to_b, hop_inner_index(kind, k))
            legs.append(leg)
            amount = leg.amount_out
        return legs

    def _tx(
        self, shape: str, signer: str, program: str, legs: list[Leg], owner: str | None = None
    ) -> PlannedTx:
        # Shapes are honest trades that land: min_out is what they got.
        return PlannedTx(
            kind=shape,
            signer=signer,
            program=program,
            legs=tuple(legs),
            min_out=legs[-1].amount_out,
            owner=owner,
        )

    # Shapes --------------------------------------------------------------------------------

    def _unlisted_venue(self, g: np.random.Generator, slot: int) -> PlannedTx:
        hop = (int(g.choice((_UNLISTED_SOL_USDC, _UNLISTED_JUP_SOL))), bool(g.random() < 0.5))
        legs = self._run([hop], self._amount(g, hop, slot), "direct")
        return self._tx("unlisted_venue", self._wallet(g), legs[0].pool.dex.program, legs)

    def _relayed(self, g: np.random.Generator, slot: int) -> PlannedTx:
        # USDC -> SOL on Raydium CLMM, sometimes on to WIF on Meteora DLMM.
        hops: list[_Hop] = [(_CLMM_SOL_USDC, False)]
        if g.random() < 0.5:
            hops.append((_DLMM_WIF_SOL, False))
        legs = self._run(hops, self._amount(g, hops[0], slot), "jupiter")
        relayer = keys.address(self.seed, f"dex/relayer/{int(g.integers(_RELAYERS))}")
        return self._tx("relayed", relayer, JUPITER_V6, legs, owner=self._wallet(g))

    def _program_owned(self, g: np.random.Generator, slot: int) -> PlannedTx:
        hop = (int(g.choice((_ORCA_USDC_USDT, _CLMM_SOL_USDC))), bool(g.random() < 0.5))
        legs = self._run([hop], self._amount(g, hop, slot), "searcher")
        pda = keys.address(self.seed, f"dex/smart-wallet/{int(g.integers(_SMART_WALLETS))}")
        return self._tx("program_owned", self._wallet(g), SMART_WALLET, legs, owner=pda)

    def _three_venue_route(self, g: np.random.Generator, slot: int) -> PlannedTx:
        # USDT -> USDC (Orca) -> SOL (Raydium CLMM) -> WIF (Meteora DLMM).
        hops = [(_ORCA_USDC_USDT, False), (_CLMM_SOL_USDC, False), (_DLMM_WIF_SOL, False)]
        legs = self._run(hops, self._amount(g, hops[0], slot), "jupiter")
        return self._tx("three_venue_route", self._wallet(g), JUPITER_V6, legs)

    def _route_unlisted_leg(self, g: np.random.Generator, slot: int) -> PlannedTx:
        # USDT -> USDC (Orca) -> SOL (unlisted) -> WIF (Meteora DLMM).
        hops = [(_ORCA_USDC_USDT, False), (_UNLISTED_SOL_USDC, False), (_DLMM_WIF_SOL, False)]
        legs = self._run(hops, self._amount(g, hops[0], slot), "jupiter")
        return self._tx("route_unlisted_leg", self._wallet(g), JUPITER_V6, legs)

    def _split_route(self, g: np.random.Generator, slot: int) -> PlannedTx:
        # USDC -> SOL on Raydium CLMM and the unlisted pool in parallel, then SOL -> WIF.
        total = self._amount(g, (_CLMM_SOL_USDC, False), slot)
        first = max(int(total * g.uniform(0.3, 0.7)), 1)
        a = self.state.swap(_CLMM_SOL_USDC, first, False, hop_inner_index("jupiter", 0))
        b = self.state.swap(_UNLISTED_SOL_USDC, total - first, False, hop_inner_index("jupiter", 1))
        c = self.state.swap(
            _DLMM_WIF_SOL, a.amount_out + b.amount_out, False, hop_inner_index("jupiter", 2)
        )
        return self._tx("split_route", self._wallet(g), JUPITER_V6, [a, b, c])

    def _two_router_route(self, g: np.random.Generator, slot: int) -> PlannedTx:
        # USDC -> SOL (Raydium CLMM) -> WIF (Meteora DLMM), Jupiter's route called by OKX's.
        hops: list[_Hop] = [(_CLMM_SOL_USDC, False), (_DLMM_WIF_SOL, False)]
        legs = self._run(hops, self._amount(g, hops[0], slot), "jupiter_via_router")
        tx = self._tx("two_router_route", self._wallet(g), JUPITER_V6, legs)
        return dataclasses.replace(tx, via=OKX_ROUTER)

    def _curve(self, g: np.random.Generator, slot: int, shape: str, buy: bool) -> PlannedTx:
        hop = (_CURVE_PUMPA_SOL, not buy)  # a = the token, b = native SOL
        legs = self._run([hop], self._amount(g, hop, slot), "direct")
        return self._tx(shape, self._wallet(g), legs[0].pool.dex.program, legs)

    def _curve_buy(self, g: np.random.Generator, slot: int) -> PlannedTx:
        return self._curve(g, slot, "curve_buy", True)

    def _curve_sell(self, g: np.random.Generator, slot: int) -> PlannedTx:
        return self._curve(g, slot, "curve_sell", False)

    def _token_2022_fee(self, g: np.random.Generator, slot: int) -> PlannedTx:
        hop = (_PUMPSWAP_FEE_SOL, False)  # SOL in, the fee-bearing token out
        (leg,) = self._run([hop], self._amount(g, hop, slot), "direct")
        fee = BY_MINT[leg.mint_out].transfer_fee(leg.amount_out)
        leg = dataclasses.replace(leg, transfer_fee=fee)
        return self._tx("token_2022_fee", self._wallet(g), leg.pool.dex.program, [leg])
