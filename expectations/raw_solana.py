"""GX suites for the tables the Solana JSON-RPC source loads into `raw_solana`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from expectations.suite import BASE58_PUBKEY_REGEX, SuiteSpec

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation


def _not_null(*columns: str) -> list[Expectation]:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToNotBeNull(column=column) for column in columns]


def vote_accounts() -> list[Expectation]:
    """One row per vote account and epoch, as getVoteAccounts reported it."""
    import great_expectations.expectations as gxe

    return [
        *_not_null(
            "epoch",
            "vote_pubkey",
            "node_pubkey",
            "activated_stake",
            "commission",
            "epoch_vote_account",
            "delinquent",
            "last_vote",
            "observed_epoch",
        ),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["epoch", "vote_pubkey"]),
        gxe.ExpectColumnValuesToBeBetween(column="activated_stake", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="commission", min_value=0, max_value=100),
        gxe.ExpectColumnValuesToBeBetween(column="credits", min_value=0),
        gxe.ExpectColumnValuesToMatchRegex(column="vote_pubkey", regex=BASE58_PUBKEY_REGEX),
        gxe.ExpectColumnValuesToMatchRegex(column="node_pubkey", regex=BASE58_PUBKEY_REGEX),
        # A snapshot can describe an epoch that has closed, never one still to come.
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="observed_epoch", column_B="epoch", or_equal=True
        ),
    ]


def block_production() -> list[Expectation]:
    """One row per leader identity and epoch, as getBlockProduction reported it."""
    import great_expectations.expectations as gxe

    return [
        *_not_null("epoch", "identity", "leader_slots", "blocks_produced"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["epoch", "identity"]),
        gxe.ExpectColumnValuesToBeBetween(column="leader_slots", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="blocks_produced", min_value=0),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="leader_slots", column_B="blocks_produced", or_equal=True
        ),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="last_slot", column_B="first_slot", or_equal=True
        ),
        gxe.ExpectColumnValuesToMatchRegex(column="identity", regex=BASE58_PUBKEY_REGEX),
    ]


def epochs() -> list[Expectation]:
    """One row per epoch with its slot range."""
    import great_expectations.expectations as gxe

    return [
        *_not_null("epoch", "first_slot", "last_slot", "slots_in_epoch"),
        gxe.ExpectColumnValuesToBeUnique(column="epoch"),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="last_slot", column_B="first_slot", or_equal=True
        ),
        gxe.ExpectColumnValuesToBeBetween(column="slots_in_epoch", min_value=0, strict_min=True),
    ]


SUITES: dict[str, SuiteSpec] = {
    spec.table: spec
    for spec in (
        SuiteSpec("raw_solana.vote_accounts", ("epoch", "vote_pubkey"), vote_accounts),
        SuiteSpec("raw_solana.block_production", ("epoch", "identity"), block_production),
        SuiteSpec("raw_solana.epochs", ("epoch",), epochs),
    )
}
