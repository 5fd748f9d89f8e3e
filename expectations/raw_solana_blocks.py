"""GX suites for the block-level tables the `solana_blocks` source loads into `raw_solana`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from expectations.suite import SIGNATURE_LENGTHS, SuiteSpec, at_least_zero, base58

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

# The quarantine selects rows by regex, not by set membership: enums are written as regexes.
STATUS_REGEX = r"^(produced|skipped)$"
REWARD_TYPE_REGEX = r"^(Fee|Rent|Voting|Staking)$"


def blocks() -> list[Expectation]:
    """One row per slot of a loaded epoch: produced with its header, or skipped."""
    import great_expectations.expectations as gxe

    return [
        *at_least_zero("epoch"),
        gxe.ExpectColumnValuesToMatchRegex(column="status", regex=STATUS_REGEX),
        *at_least_zero(
            "slot",
            "block_height",
            "transaction_count",
            "vote_transaction_count",
            "failed_transaction_count",
            "fee_rewards",
        ),
        # A block's parent is an earlier slot, except the genesis block's, which is slot 0 itself
        # (getBlock(0) answers parentSlot 0); votes and failures are some of its transactions.
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="slot", column_B="parent_slot", or_equal=True
        ),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="transaction_count", column_B="vote_transaction_count", or_equal=True
        ),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="transaction_count", column_B="failed_transaction_count", or_equal=True
        ),
        *base58("leader", "blockhash", "previous_blockhash"),
    ]


def block_rewards() -> list[Expectation]:
    """Every reward row of every produced block."""
    import great_expectations.expectations as gxe

    return [
        *at_least_zero("epoch"),
        gxe.ExpectColumnValuesToMatchRegex(column="reward_type", regex=REWARD_TYPE_REGEX),
        *at_least_zero("lamports", "post_balance"),
        gxe.ExpectColumnValuesToBeBetween(column="commission", min_value=0, max_value=100),
        *base58("pubkey"),
    ]


def sampled_windows() -> list[Expectation]:
    """The leader windows whose transactions were loaded, with the rate that chose them."""
    import great_expectations.expectations as gxe

    return [
        *at_least_zero("epoch"),
        gxe.ExpectColumnValuesToBeBetween(column="sample_rate", min_value=0, max_value=1),
        *at_least_zero("window_start"),
        *base58("leader"),
    ]


def transactions() -> list[Expectation]:
    """The non-vote transactions of sampled windows."""
    return [
        *at_least_zero("epoch"),
        *at_least_zero("slot", "position", "fee", "priority_fee", "compute_units"),
        *base58("signature", lengths=SIGNATURE_LENGTHS),
        *base58("signer"),
    ]


def instructions() -> list[Expectation]:
    """Outer (inner_index -1) and inner instructions of the stored transactions."""
    import great_expectations.expectations as gxe

    return [
        *at_least_zero("epoch"),
        *at_least_zero("slot", "outer_index", "transfer_amount"),
        gxe.ExpectColumnValuesToBeBetween(column="inner_index", min_value=-1),
        gxe.ExpectColumnValuesToBeBetween(column="parent_index", min_value=-1),
        *base58("program_id"),
    ]


def token_balance_changes() -> list[Expectation]:
    """Pre and post token balances per account of the stored transactions."""
    return [
        *at_least_zero("epoch"),
        *at_least_zero("slot", "account_index", "decimals", "pre_amount", "post_amount"),
        *base58("account", "mint", "owner", "program_id"),
    ]


def sol_balance_changes() -> list[Expectation]:
    """SOL balances before and after, for the accounts a stored transaction changed."""
    return [
        *at_least_zero("epoch"),
        *at_least_zero("slot", "account_index", "pre_lamports", "post_lamports"),
        *base58("account"),
    ]


SUITES: dict[str, SuiteSpec] = {
    spec.table: spec
    for spec in (
        SuiteSpec("raw_solana.blocks", blocks),
        SuiteSpec("raw_solana.block_rewards", block_rewards),
        SuiteSpec("raw_solana.sampled_windows", sampled_windows),
        SuiteSpec("raw_solana.transactions", transactions),
        SuiteSpec("raw_solana.instructions", instructions),
        SuiteSpec("raw_solana.token_balance_changes", token_balance_changes),
        SuiteSpec("raw_solana.sol_balance_changes", sol_balance_changes),
    )
}
