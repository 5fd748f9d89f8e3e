"""What the market tape plans: swap legs, transactions, MEV events, per slot and per chunk.

A planned transaction's instruction layout is fixed here, so the ground truth's outer and inner
indexes and the rendered transaction agree: two compute-budget instructions, then (when native SOL
is wrapped) a system transfer and a syncNative, then the swap instruction, then (when wrapped or
unwrapped) the wSOL account's closeAccount, then the tip transfer.
"""

from __future__ import annotations

from dataclasses import dataclass

from simnet.dex.markets import PoolSpec

# Inner instructions per routed hop: Jupiter v6 runs DEX CPI, transfer in, transfer out and its
# swap event (as in the real routed sample); a searcher's program runs the first three.
JUPITER_HOP_INNER = 4
SEARCHER_HOP_INNER = 3
COMPUTE_BUDGET_IXS = 2
WRAP_IXS = 2


@dataclass(frozen=True)
class Leg:
    """One swap through one pool."""

    pool: PoolSpec
    a_to_b: bool
    amount_in: int
    amount_out: int
    # Position of the DEX instruction among the outer instruction's inner ones (-1: it is outer).
    inner_index: int
    # The pool's vault balances of the paid-in and paid-out tokens just before this leg.
    reserve_in: int
    reserve_out: int
    # Of amount_out, what a Token-2022 transfer fee left withheld on the trader's account.
    transfer_fee: int = 0

    @property
    def received(self) -> int:
        """Return what the trader's account was credited."""
        return self.amount_out - self.transfer_fee

    @property
    def mint_in(self) -> str:
        """Return the mint paid in."""
        return self.pool.mint_of(self.a_to_b)

    @property
    def mint_out(self) -> str:
        """Return the mint received."""
        return self.pool.mint_of(not self.a_to_b)


@dataclass(frozen=True)
class Liquidation:
    """A lending-program liquidation: repay part of a debt, seize collateral plus a bonus."""

    obligation: str
    repay_reserve: str
    repay_mint: str
    repay_amount: int
    collateral_reserve: str
    collateral_mint: str
    collateral_amount: int


@dataclass(frozen=True)
class PlannedTx:
    """One transaction the tape asks a block to carry."""

    # swap, route, sandwich_front, sandwich_back, arbitrage, backrun, liquidation, or a planted
    # hard shape's name (simnet/dex/shapes.py SHAPES)
    kind: str
    signer: str
    # The outer program the legs run through: a DEX, Jupiter v6, a searcher's program or KLend.
    program: str
    legs: tuple[Leg, ...]
    # Least acceptable final output (the slippage bound); a failed swap fell short of it.
    min_out: int = 0
    failed: bool = False
    tip: int = 0
    wrap_in: bool = False
    unwrap_out: bool = False
    liquidation: Liquidation | None = None
    # The token accounts' owner when it is not the signer: a bot's accounts that several of its
    # wallets sign for.
    owner: str | None = None
    # A router that calls `program` (itself a router) rather than being it: OKX routing through
    # Jupiter. Its instruction is the outer one; `program`'s is the first inner one.
    via: str | None = None

    @property
    def outer_index(self) -> int:
        """Return the index of the swap (or liquidation) instruction."""
        return COMPUTE_BUDGET_IXS + (WRAP_IXS if self.wrap_in else 0)


def hop_inner_index(program_kind: str, hop: int) -> int:
    """Return the inner index of a hop's DEX instruction for a direct, routed or searcher tx."""
    if program_kind == "direct":
        return -1
    if program_kind == "jupiter_via_router":
        # Jupiter's own instruction comes first, as the outer router's first inner one.
        return 1 + JUPITER_HOP_INNER * hop
    per_hop = JUPITER_HOP_INNER if program_kind == "jupiter" else SEARCHER_HOP_INNER
    return per_hop * hop


# A transaction's place on the tape: (slot, index among that slot's planned transactions).
TxRef = tuple[int, int]


@dataclass(frozen=True)
class Draft:
    """An MEV event's facts before its transactions have block positions."""

    type: str
    searcher: str
    victims: tuple[str, ...]
    pools: tuple[str, ...]
    profit_mint: str
    profit_amount: int
    profit_lamports: int
    tip_lamports: int
    victim_loss_lamports: int = 0
    # For type "decoy": which honest shape it is (simnet/dex/decoys.py).
    decoy: str | None = None


@dataclass(frozen=True, kw_only=True)
class MevEvent(Draft):
    """One planted MEV event and what it earned, placed on the tape."""

    slot: int
    txs: tuple[TxRef, ...]


@dataclass(frozen=True)
class SlotTape:
    """A produced slot's planned transactions in block order, and their block positions."""

    slot: int
    txs: tuple[PlannedTx, ...]
    positions: tuple[int, ...]

    @property
    def tips(self) -> int:
        """Return the tips the planned transactions pay."""
        return sum(tx.tip for tx in self.txs)


@dataclass(frozen=True)
class ChunkTape:
    """Everything planted in one chunk of leader windows, and its pools' vaults before and after."""

    first_slot: int
    last_slot: int
    slots: dict[int, SlotTape]
    events: tuple[MevEvent, ...]
    opening_vaults: tuple[tuple[int, int], ...]
    closing_vaults: tuple[tuple[int, int], ...]
