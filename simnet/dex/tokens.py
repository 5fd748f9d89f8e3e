"""Real mainnet token mints with their decimals, token programs and price-path parameters."""

from __future__ import annotations

from dataclasses import dataclass

TOKEN_PROGRAM = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
TOKEN_2022_PROGRAM = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb"


@dataclass(frozen=True)
class Token:
    """One SPL mint and how its USD price moves (annual volatility, beta to SOL, jumps)."""

    symbol: str
    mint: str
    decimals: int
    usd: float
    volatility: float = 0.0
    beta: float = 0.0
    jumps_per_day: float = 0.0
    jump_sigma: float = 0.0
    program: str = TOKEN_PROGRAM
    # Token-2022 TransferFee extension: the share of every transfer withheld on the receiving
    # account (rounded up, as Token-2022 does).
    transfer_fee_bps: int = 0

    def transfer_fee(self, amount: int) -> int:
        """Return what a transfer of `amount` leaves withheld on the receiving account."""
        return -(-amount * self.transfer_fee_bps // 10_000)

    @property
    def unit(self) -> int:
        """Return raw units per whole token."""
        return 10**self.decimals


# Mints and decimals checked against ../shared/data/mainnet/ samples and public code
# (docs/simnet_dex.md lists where each came from).
SOL = Token("SOL", "So11111111111111111111111111111111111111112", 9, 150.0, 0.75, 1.0, 0.5, 0.03)
USDC = Token("USDC", "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", 6, 1.0)
USDT = Token("USDT", "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB", 6, 1.0)
JUP = Token("JUP", "JUPyiwrYJFskUPiHa7hkeR8VUtAeFoSYbKedZNsDvCN", 6, 0.9, 0.9, 1.2, 0.5, 0.04)
BONK = Token("BONK", "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263", 5, 2.2e-5, 1.3, 1.5, 1.0, 0.06)
JTO = Token("JTO", "jtojtomepa8beP8AuQc6eXt5FriJwfFMwQx2v2f9mCL", 9, 2.5, 0.9, 1.2, 0.5, 0.04)
WIF = Token("WIF", "EKpQGSJtjMFqKZ9KQanSqYXRcF8fBopzLHYxdM65zcjm", 6, 1.8, 1.4, 1.5, 1.0, 0.06)
# Long-tail pump.fun tokens (6 decimals) and a Token-2022 mint, all seen trading in the samples.
SAHUR = Token("SAHUR", "DNrmDMs2czDaAwgzg2BmvM7Jn5ZqA6VN5huRqCrSpump", 6, 4e-4, 2.5, 1.5, 3.0, 0.12)
PUMPA = Token("PUMPA", "8k1DvnFBsbuWJw2t4JqTibR7cAgqadMveqiykMr1pump", 6, 1e-3, 2.5, 1.5, 3.0, 0.12)
PUMPB = Token("PUMPB", "3KDvwAuSFMUiRNhd6FZgHKXsd6qkoeRuHvpKV2vBpump", 6, 6e-5, 3.0, 1.5, 3.0, 0.15)
T22 = Token(
    "T22",
    "EWV6bjhKF5zkXANCdWPvDs7dofRVk4pKyVTitqgEWj8E",
    9,
    3e-3,
    2.5,
    1.5,
    3.0,
    0.12,
    program=TOKEN_2022_PROGRAM,
)

# A Token-2022 mint with a 1% transfer fee (simnet's own address: the planted shapes trade it).
T22FEE = Token(
    "T22FEE",
    "FpMCfrcD2nYS8TiNWTbNoFRQX2EwYh4iwTrrLrsjS3iP",
    6,
    2e-3,
    2.5,
    1.5,
    3.0,
    0.12,
    program=TOKEN_2022_PROGRAM,
    transfer_fee_bps=100,
)

# Appending a token leaves the earlier tokens' price paths as they were (prices.py draws in order).
TOKENS: tuple[Token, ...] = (
    SOL,
    USDC,
    USDT,
    JUP,
    BONK,
    JTO,
    WIF,
    SAHUR,
    PUMPA,
    PUMPB,
    T22,
    T22FEE,
)
BY_MINT: dict[str, Token] = {t.mint: t for t in TOKENS}
