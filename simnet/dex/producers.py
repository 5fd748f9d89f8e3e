"""Render the tape's planned swaps, bundles and liquidations as block transactions.

Layout (simnet/dex/model.py): compute budget, optional wSOL wrap, the swap (or liquidation)
instruction whose CPIs and token transfers are its inner instructions, optional closeAccount, and
the tip transfer. Token balances list the signer's token accounts and the pools' vaults with the
vault balances the tape recorded, so consecutive swaps on a pool chain their balances. Native SOL
moves with wSOL: a wSOL account's lamports are its rent plus its token amount.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simnet import keys
from simnet.blocks.economics import LAMPORTS_PER_SIGNATURE as BASE_FEE
from simnet.blocks.failures import fail
from simnet.blocks.model import (
    AddressTableLookup,
    InnerInstructions,
    Instruction,
    TokenBalance,
    Transaction,
)
from simnet.blocks.producers import compute_budget, invoked, system_transfer
from simnet.blocks.programs import COMPUTE_BUDGET, SYSTEM_PROGRAM, TIP_ACCOUNTS, TOKEN_PROGRAM
from simnet.blocks.signatures import signature
from simnet.blocks.tokens import TOKEN_ACCOUNT_RENT, associated_token_address, ui_token_amount
from simnet.dex.markets import JUPITER_V6, lookup_table
from simnet.dex.model import Leg, PlannedTx
from simnet.dex.tokens import BY_MINT, SOL, TOKEN_2022_PROGRAM
from simnet.rng import key64

if TYPE_CHECKING:
    from simnet.blocks.builder import BlockPlan
    from simnet.dex.tape import Market

# Custom errors a swap fails with when its output falls short of the minimum: Jupiter v6's
# SlippageToleranceExceeded (6001, as in the failed sample), Raydium AMM v4's ExceededSlippage
# (30); other Anchor DEXes use their own codes in the 6000s.
_SLIPPAGE_ERRORS = {JUPITER_V6: 6001, "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8": 30}
_DEFAULT_SLIPPAGE_ERROR = 6022
_UNITS = {"budget": 150, "transfer": 4_600, "dex": 28_000, "route": 12_000, "system": 150}
_LIMITS = {"direct": 250_000, "multi": 500_000, "liquidation": 1_000_000}
_POOL_LAMPORTS = 6_124_800
_MINT_LAMPORTS = 1_461_600
# The instructions sysvar, which Kamino Lend's liquidation reads.
INSTRUCTIONS_SYSVAR = "Sysvar1nstructions1111111111111111111111111"
_PROGRAM_LAMPORTS = 1_141_440


def _discriminator(name: str) -> bytes:
    # Anchor's instruction discriminator: the first 8 bytes of sha256("global:<name>").
    return hashlib.sha256(f"global:{name}".encode()).digest()[:8]


@dataclass
class _Keys:
    """A message's accounts by role; indexes are fixed once every account is known."""

    payer: str
    writable: list[str] = field(default_factory=list)
    readonly: list[str] = field(default_factory=list)

    def add(self, key: str, writable: bool) -> None:
        if key == self.payer or key in self.writable:
            return
        if writable:
            if key in self.readonly:
                self.readonly.remove(key)
            self.writable.append(key)
        elif key not in self.readonly:
            self.readonly.append(key)

    def finish(self, table: tuple[str, tuple[str, ...]] | None) -> _Message:
        """Fix the order: payer, writable, read-only, then what a lookup table loads."""
        loadable = set(table[1]) if table else set()
        writable = [k for k in self.writable if k not in loadable]
        readonly = [k for k in self.readonly if k not in loadable]
        loaded_w = tuple(k for k in self.writable if k in loadable)
        loaded_r = tuple(k for k in self.readonly if k in loadable)
        static = (self.payer, *writable, *readonly)
        lookups: tuple[AddressTableLookup, ...] = ()
        if table and (loaded_w or loaded_r):
            where = {key: i for i, key in enumerate(table[1])}
            lookups = (
                AddressTableLookup(
                    table[0],
                    tuple(where[k] for k in loaded_w),
                    tuple(where[k] for k in loaded_r),
                ),
            )
        everything = (*static, *loaded_w, *loaded_r)
        return _Message(
            static,
            len(readonly),
            loaded_w,
            loaded_r,
            lookups,
            {key: i for i, key in enumerate(everything)},
            everything,
        )


@dataclass(frozen=True)
class _Message:
    """A message's account keys once fixed, and where each account sits."""

    static: tuple[str, ...]
    readonly_count: int
    loaded_writable: tuple[str, ...]
    loaded_readonly: tuple[str, ...]
    lookups: tuple[AddressTableLookup, ...]
    index: dict[str, int]
    keys: tuple[str, ...]


@dataclass(frozen=True)
class _Context:
    seed: int
    slot: int
    index: int
    recent_blockhash: str
    priority_fee: int
    balance: int


class DexProducer:
    """Builds the market tape's transactions at the block positions the tape chose."""

    def __init__(self, market: Market) -> None:
        self.market = market

    def build(self, plan: BlockPlan, index: int) -> Transaction:
        """Return the planned swap, bundle member or liquidation at a block position."""
        tape = self.market.slot(plan.slot)
        if tape is None or index not in tape.positions:
            raise LookupError(f"slot {plan.slot} plans no market transaction at {index}")
        return render(
            tape.txs[tape.positions.index(index)],
            seed=plan.seed,
            slot=plan.slot,
            index=index,
            recent_blockhash=plan.previous_blockhash,
            priority_fee=plan.priority_fee(index),
            balance=plan.balance(index),
        )


def render(
    tx: PlannedTx,
    *,
    seed: int,
    slot: int,
    index: int,
    recent_blockhash: str,
    priority_fee: int,
    balance: int,
) -> Transaction:
    """Return a planned transaction as it lands at a block position."""
    ctx = _Context(seed, slot, index, recent_blockhash, priority_fee, balance)
    return _Builder(tx, ctx).build()


class _Builder:
    def __init__(self, tx: PlannedTx, ctx: _Context) -> None:
        self.tx, self.ctx = tx, ctx
        self.payer = tx.signer
        # Whose token accounts the swap moves (the signer's, or a bot's it signs for).
        self.holder = tx.owner or tx.signer
        self.keys = _Keys(self.payer)
        # Token accounts: address -> [mint, owner, pre amount, change]
        self.tokens: dict[str, list[Any]] = {}
        self.lamport_change: dict[str, int] = {}
        self.native_reserves: dict[str, int] = {}
        self.wsol = associated_token_address(self.payer, SOL.mint)

    # Accounts ---------------------------------------------------------------------------------

    def _user_account(self, mint: str) -> str:
        return associated_token_address(self.holder, mint, BY_MINT[mint].program)

    def _holding(self, account: str) -> int:
        # What a signer already holds in a token account before the transaction.
        draw = key64(self.ctx.seed, "dex-holding", self.ctx.slot, self.ctx.index, account)
        return draw % 10**9 if draw % 3 else 0

    def _token(self, account: str, mint: str, owner: str, pre: int, change: int) -> None:
        entry = self.tokens.setdefault(account, [mint, owner, pre, 0])
        entry[3] += change
        self.keys.add(account, True)
        self.keys.add(mint, False)
        self.keys.add(BY_MINT[mint].program, False)

    def _leg_accounts(self, leg: Leg) -> tuple[str, str, str, str]:
        spec = leg.pool
        vault_in, vault_out = (
            (spec.vault_a, spec.vault_b) if leg.a_to_b else (spec.vault_b, spec.vault_a)
        )
        user_in, user_out = self._user_account(leg.mint_in), self._user_account(leg.mint_out)
        if self._native(leg, leg.mint_in):
            # A buy pays the curve in lamports from the holder's own account.
            user_in = self.holder
            self._native_reserve(spec.address, leg.reserve_in)
            self._lamports_moved(user_in, vault_in, leg.amount_in)
        else:
            self._token(vault_in, leg.mint_in, spec.authority, leg.reserve_in, leg.amount_in)
            self._token(user_in, leg.mint_in, self.holder, self._holding(user_in), -leg.amount_in)
        if self._native(leg, leg.mint_out):
            # A sell: the curve program debits its own lamports (no instruction moves them).
            user_out = self.holder
            self._native_reserve(spec.address, leg.reserve_out)
            self._lamports_moved(vault_out, user_out, leg.amount_out)
        else:
            self._token(vault_out, leg.mint_out, spec.authority, leg.reserve_out, -leg.amount_out)
            holding = self._holding(user_out)
            self._token(user_out, leg.mint_out, self.holder, holding, leg.received)
        self.keys.add(spec.address, True)
        self.keys.add(spec.authority, False)
        self.keys.add(spec.dex.program, False)
        self.keys.add(self.holder, spec.dex.native_sol)
        if spec.dex.native_sol:
            self.keys.add(SYSTEM_PROGRAM, False)
        return vault_in, vault_out, user_in, user_out

    @staticmethod
    def _native(leg: Leg, mint: str) -> bool:
        return leg.pool.dex.native_sol and mint == SOL.mint

    def _native_reserve(self, account: str, reserve: int) -> None:
        # A curve's lamports before the transaction: its rent plus the SOL it holds.
        self.native_reserves.setdefault(account, reserve)

    def _lamports_moved(self, source: str, destination: str, lamports: int) -> None:
        self.lamport_change[source] = self.lamport_change.get(source, 0) - lamports
        self.lamport_change[destination] = self.lamport_change.get(destination, 0) + lamports

    # Instructions -----------------------------------------------------------------------------

    def _transfer(
        self, source: str, destination: str, authority: str, mint: str, amount: int, depth: int
    ) -> tuple[Instruction, tuple[str, ...]]:
        token = BY_MINT[mint]
        idx = self.index
        if token.program == TOKEN_2022_PROGRAM:
            data = struct.pack("<BQB", 12, amount, token.decimals)
            info: dict[str, Any] = {
                "authority": authority,
                "destination": destination,
                "mint": mint,
                "source": source,
                "tokenAmount": ui_token_amount(amount, token.decimals),
            }
            kind = "transferChecked"
            if token.transfer_fee_bps:
                # TransferFeeExtension (26), TransferCheckedWithFee (1): amount, decimals, fee.
                fee = token.transfer_fee(amount)
                data = bytes((26, 1)) + struct.pack("<QBQ", amount, token.decimals, fee)
                info["feeAmount"] = ui_token_amount(fee, token.decimals)
                kind = "transferCheckedWithFee"
            accounts: tuple[int, ...] = (idx[source], idx[mint], idx[destination])
        else:
            data = struct.pack("<BQ", 3, amount)
            info = {
                "amount": str(amount),
                "authority": authority,
                "destination": destination,
                "source": source,
            }
            kind, accounts = "transfer", (idx[source], idx[destination])
        ix = Instruction(
            idx[token.program],
            (*accounts, idx[authority]),
            data,
            ("spl-token", {"info": info, "type": kind}),
            stack_height=depth,
        )
        label = kind[0].upper() + kind[1:]
        return ix, invoked(token.program, f"Program log: Instruction: {label}", depth=depth)

    def _system_transfer(
        self, source: str, destination: str, lamports: int, depth: int
    ) -> tuple[Instruction, tuple[str, ...]]:
        idx = self.index
        data, parsed = system_transfer(source, destination, lamports)
        ix = Instruction(
            idx[SYSTEM_PROGRAM],
            (idx[source], idx[destination]),
            data,
            ("system", parsed),
            stack_height=depth,
        )
        return ix, invoked(SYSTEM_PROGRAM, depth=depth)

    def _swap_legs(self) -> tuple[Instruction, list[Instruction], tuple[str, ...], int]:
        tx, idx = self.tx, self.index
        direct = tx.program == tx.legs[0].pool.dex.program and len(tx.legs) == 1
        # Under an outer router (tx.via) the route program's own calls are one level deeper.
        dex_depth = 3 if tx.via else 2
        depth = 2 if direct else dex_depth + 1
        inner: list[Instruction] = []
        logs: list[str] = []
        outer_accounts: list[int] = []
        units = _UNITS["dex"] if direct else _UNITS["route"]
        for leg, accounts in zip(tx.legs, self.leg_accounts, strict=True):
            vault_in, vault_out, user_in, user_out = accounts
            spec = leg.pool
            # Accounts before the pool stand in for what precedes it on mainnet (token program,
            # config or log authority): only the pool's position matters to a decoder.
            lead = (BY_MINT[leg.mint_in].program, spec.dex.program)[: spec.dex.pool_account_index]
            leg_keys = (*lead, spec.address, spec.authority, vault_in, vault_out, user_in, user_out)
            leg_accounts = tuple(idx[k] for k in (*leg_keys, self.payer))
            outer_accounts += leg_accounts
            moves: list[Instruction] = []
            move_logs: list[str] = []
            if self._native(leg, leg.mint_in):
                pay, pay_logs = self._system_transfer(user_in, vault_in, leg.amount_in, depth)
            else:
                pay, pay_logs = self._transfer(
                    user_in, vault_in, self.holder, leg.mint_in, leg.amount_in, depth
                )
            moves.append(pay)
            move_logs += pay_logs
            if not self._native(leg, leg.mint_out):
                send, send_logs = self._transfer(
                    vault_out, user_out, spec.authority, leg.mint_out, leg.amount_out, depth
                )
                moves.append(send)
                move_logs += send_logs
            if direct:
                inner += moves
                logs += move_logs
                continue
            data = _discriminator("swap") + struct.pack("<QQ", leg.amount_in, 0)
            inner += [
                Instruction(idx[spec.dex.program], leg_accounts, data, stack_height=dex_depth),
                *moves,
            ]
            logs += invoked(
                spec.dex.program, "Program log: Instruction: Swap", *move_logs, depth=dex_depth
            )
            units += _UNITS["dex"]
            if tx.program == JUPITER_V6:
                event = _discriminator("swap_event") + struct.pack(
                    "<QQ", leg.amount_in, leg.amount_out
                )
                inner.append(Instruction(idx[JUPITER_V6], (), event, stack_height=dex_depth))
                logs += invoked(JUPITER_V6, depth=dex_depth)
        units += 2 * _UNITS["transfer"] * len(tx.legs)
        name = "route" if tx.program == JUPITER_V6 else "swap"
        data = _discriminator(name) + struct.pack("<QQ", tx.legs[0].amount_in, tx.min_out)
        outer = Instruction(idx[tx.program], tuple(outer_accounts), data)
        if tx.via:
            # The outer router passes the route's accounts on and calls the route program.
            inner = [Instruction(outer.program_index, outer.accounts, data, stack_height=2), *inner]
            logs = list(invoked(tx.program, *logs, depth=2))
            units += _UNITS["route"]
            via_data = _discriminator("swap") + struct.pack("<QQ", tx.legs[0].amount_in, tx.min_out)
            outer = Instruction(idx[tx.via], (*outer.accounts, idx[tx.program]), via_data)
        return outer, inner, tuple(logs), units

    def _liquidation(self) -> tuple[Instruction, list[Instruction], tuple[str, ...], int]:
        liq = self.tx.liquidation
        assert liq is not None
        seed = self.ctx.seed
        authority = keys.address(seed, "dex/klend/market-authority")
        repay_vault = keys.address(seed, f"dex/klend/vault/{liq.repay_reserve}")
        collateral_vault = keys.address(seed, f"dex/klend/vault/{liq.collateral_reserve}")
        user_repay = self._user_account(liq.repay_mint)
        user_collateral = self._user_account(liq.collateral_mint)
        depth_pre = 10**15 + key64(seed, "dex-klend-vault", self.ctx.slot) % 10**12
        self._token(repay_vault, liq.repay_mint, authority, depth_pre, liq.repay_amount)
        self._token(
            collateral_vault, liq.collateral_mint, authority, depth_pre, -liq.collateral_amount
        )
        self._token(
            user_repay,
            liq.repay_mint,
            self.payer,
            liq.repay_amount + self._holding(user_repay),
            -liq.repay_amount,
        )
        self._token(
            user_collateral,
            liq.collateral_mint,
            self.payer,
            self._holding(user_collateral),
            liq.collateral_amount,
        )
        # Kamino Lend's own accounts, in its instruction's order (docs/mev.md cites the source).
        market = keys.address(seed, "dex/klend/market")
        reserve = liq.collateral_reserve
        collateral_mint = keys.address(seed, f"dex/klend/collateral-mint/{reserve}")
        collateral_supply = keys.address(seed, f"dex/klend/collateral-supply/{reserve}")
        fee_receiver = keys.address(seed, f"dex/klend/fee-receiver/{reserve}")
        user_ctokens = associated_token_address(self.payer, collateral_mint)
        writable = (
            liq.obligation,
            liq.repay_reserve,
            liq.collateral_reserve,
            collateral_mint,
            collateral_supply,
            fee_receiver,
            user_ctokens,
        )
        for key in writable:
            self.keys.add(key, True)
        for key in (market, authority, TOKEN_PROGRAM, INSTRUCTIONS_SYSVAR, self.tx.program):
            self.keys.add(key, False)
        self.finish_keys()
        idx = self.index
        pay, pay_logs = self._transfer(
            user_repay, repay_vault, self.payer, liq.repay_mint, liq.repay_amount, 2
        )
        seize, seize_logs = self._transfer(
            collateral_vault,
            user_collateral,
            authority,
            liq.collateral_mint,
            liq.collateral_amount,
            2,
        )
        accounts = tuple(
            idx[k]
            for k in (
                self.payer,  # liquidator
                liq.obligation,
                market,
                authority,
                liq.repay_reserve,
                liq.repay_mint,
                repay_vault,  # repay reserve liquidity supply
                liq.collateral_reserve,  # withdraw reserve
                liq.collateral_mint,
                collateral_mint,
                collateral_supply,
                collateral_vault,  # withdraw reserve liquidity supply
                fee_receiver,
                user_repay,  # user source liquidity
                user_ctokens,  # user destination collateral
                user_collateral,  # user destination liquidity
                TOKEN_PROGRAM,  # collateral token program
                BY_MINT[liq.repay_mint].program,
                BY_MINT[liq.collateral_mint].program,
                INSTRUCTIONS_SYSVAR,
            )
        )
        data = _discriminator("liquidate_obligation_and_redeem_reserve_collateral") + struct.pack(
            "<QQ", liq.repay_amount, 0
        )
        outer = Instruction(idx[self.tx.program], accounts, data)
        logs = (
            "Program log: Instruction: LiquidateObligationAndRedeemReserveCollateral",
            *pay_logs,
            *seize_logs,
        )
        return outer, [pay, seize], logs, 60_000 + 2 * _UNITS["transfer"]

    def finish_keys(self) -> None:
        # Routers and searchers load pool accounts and mints from a shared lookup table.
        tx = self.tx
        routed = tx.liquidation is None and (len(tx.legs) > 1 or tx.program == JUPITER_V6)
        self.message = self.keys.finish(lookup_table(self.ctx.seed) if routed else None)
        self.index = self.message.index

    # Assembly ---------------------------------------------------------------------------------

    def build(self) -> Transaction:
        tx, ctx = self.tx, self.ctx
        self.keys.add(COMPUTE_BUDGET, False)
        tip_account = TIP_ACCOUNTS[(ctx.slot + ctx.index) % len(TIP_ACCOUNTS)]
        if tx.tip:
            self.keys.add(tip_account, True)
        if tx.wrap_in or tx.tip:
            self.keys.add(SYSTEM_PROGRAM, False)
        if tx.liquidation is not None:
            outer, inner, swap_logs, units = self._liquidation()
            limit = _LIMITS["liquidation"]
        else:
            self.leg_accounts = [self._leg_accounts(leg) for leg in tx.legs]
            self.keys.add(tx.program, False)
            if tx.via:
                self.keys.add(tx.via, False)
            self.finish_keys()
            outer, inner, swap_logs, units = self._swap_legs()
            limit = _LIMITS["direct" if len(tx.legs) == 1 else "multi"]
        idx = self.index
        wsol_in = tx.wrap_in
        instructions = list(compute_budget(idx[COMPUTE_BUDGET], ctx.priority_fee, limit))
        logs = list(invoked(COMPUTE_BUDGET) * 2)
        units += 2 * _UNITS["budget"]
        if wsol_in:
            amount = tx.legs[0].amount_in
            data, parsed = system_transfer(self.payer, self.wsol, amount)
            instructions.append(
                Instruction(idx[SYSTEM_PROGRAM], (0, idx[self.wsol]), data, ("system", parsed))
            )
            token_program = BY_MINT[SOL.mint].program
            sync = {"info": {"account": self.wsol}, "type": "syncNative"}
            instructions.append(
                Instruction(idx[token_program], (idx[self.wsol],), bytes([17]), ("spl-token", sync))
            )
            logs += [
                *invoked(SYSTEM_PROGRAM),
                *invoked(token_program, "Program log: Instruction: SyncNative"),
            ]
            self.tokens[self.wsol][3] += amount
        instructions.append(outer)
        logs += invoked(self.message.keys[outer.program_index], *swap_logs)
        closing = tx.wrap_in or tx.unwrap_out
        if closing:
            token_program = BY_MINT[SOL.mint].program
            close = {
                "info": {"account": self.wsol, "destination": self.payer, "owner": self.payer},
                "type": "closeAccount",
            }
            instructions.append(
                Instruction(
                    idx[token_program], (idx[self.wsol], 0, 0), bytes([9]), ("spl-token", close)
                )
            )
            logs += invoked(token_program, "Program log: Instruction: CloseAccount")
        if tx.tip:
            data, parsed = system_transfer(self.payer, tip_account, tx.tip)
            instructions.append(
                Instruction(idx[SYSTEM_PROGRAM], (0, idx[tip_account]), data, ("system", parsed))
            )
            logs += invoked(SYSTEM_PROGRAM)
            self.lamport_change[tip_account] = tx.tip
        fee = BASE_FEE + ctx.priority_fee
        pre_tokens, post_tokens, token_lamports = self._token_balances(closing)
        pre, post = self._lamports(fee, token_lamports, closing)
        built = Transaction(
            signature=signature(ctx.seed, ctx.slot, ctx.index),
            version=0,
            account_keys=self.message.static,
            header=(1, 0, self.message.readonly_count),
            instructions=tuple(instructions),
            recent_blockhash=ctx.recent_blockhash,
            fee=fee,
            pre_balances=pre,
            post_balances=post,
            log_messages=tuple(logs),
            compute_units=units,
            priority_fee=ctx.priority_fee,
            inner_instructions=(InnerInstructions(tx.outer_index, tuple(inner)),),
            pre_token_balances=pre_tokens,
            post_token_balances=post_tokens,
            lookups=self.message.lookups,
            loaded_writable=self.message.loaded_writable,
            loaded_readonly=self.message.loaded_readonly,
        )
        if not tx.failed:
            return built
        code = _SLIPPAGE_ERRORS.get(tx.program, _DEFAULT_SLIPPAGE_ERROR)
        failing = ("Program log: Error: slippage tolerance exceeded",)
        return fail(built, tx.outer_index, code, failing, units // 2)

    def _token_balances(
        self, closing: bool
    ) -> tuple[tuple[TokenBalance, ...], tuple[TokenBalance, ...], dict[str, tuple[int, int]]]:
        pre, post = [], []
        lamports: dict[str, tuple[int, int]] = {}
        for account, (mint, owner, before, change) in self.tokens.items():
            token = BY_MINT[mint]
            i = self.index[account]
            if change < 0 and before + change < 0:
                before = -change  # a signer holds what it pays
            after = before + change
            pre.append(TokenBalance(i, mint, owner, token.program, before, token.decimals))
            closed = closing and account == self.wsol
            if not closed:
                post.append(TokenBalance(i, mint, owner, token.program, after, token.decimals))
            native = mint == SOL.mint
            lamports[account] = (
                TOKEN_ACCOUNT_RENT + (before if native else 0),
                0 if closed else TOKEN_ACCOUNT_RENT + (after if native else 0),
            )
        pre.sort(key=lambda b: b.account_index)
        post.sort(key=lambda b: b.account_index)
        return tuple(pre), tuple(post), lamports

    def _lamports(
        self, fee: int, token_lamports: dict[str, tuple[int, int]], closing: bool
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        pre, post = [], []
        for i, key in enumerate(self.message.keys):
            if key in token_lamports:
                before, after = token_lamports[key]
            elif i == 0:
                continue
            elif key in self.keys.readonly:
                before = after = _MINT_LAMPORTS if key in BY_MINT else _PROGRAM_LAMPORTS
            elif key in self.native_reserves:
                before = _POOL_LAMPORTS + self.native_reserves[key]
                after = before + self.lamport_change.get(key, 0)
            else:
                before = _POOL_LAMPORTS + key64(self.ctx.seed, "dex-lamports", key) % 10**9
                after = before + self.lamport_change.get(key, 0)
            pre.append(before)
            post.append(after)
        # The payer pays the fee, the tip and any SOL it wraps, and gets back all a closed wSOL
        # account held (its rent and tokens) when closeAccount runs.
        reclaimed = token_lamports[self.wsol][0] + self.tokens[self.wsol][3] if closing else 0
        wrapped = self.tx.legs[0].amount_in if self.tx.wrap_in else 0
        # Native SOL a bonding curve took from (or paid to) the payer's own account.
        native = self.lamport_change.get(self.payer, 0)
        payer_pre = self.ctx.balance + fee + self.tx.tip + wrapped + max(-native, 0)
        payer_post = payer_pre - fee - self.tx.tip - wrapped + reclaimed + native
        return (payer_pre, *pre), (payer_post, *post)
