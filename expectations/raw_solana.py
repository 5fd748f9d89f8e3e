"""GX suites for the tables the Solana JSON-RPC source loads into `raw_solana`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from expectations.suite import SuiteSpec, at_least_zero, base58

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation


def _observed_after(strictly: bool) -> Expectation:
    import great_expectations.expectations as gxe

    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A="observed_epoch", column_B="epoch", or_equal=not strictly
    )


def vote_accounts() -> list[Expectation]:
    """One row per vote account and epoch, as getVoteAccounts reported it."""
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeBetween(column="activated_stake", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="commission", min_value=0, max_value=100),
        gxe.ExpectColumnValuesToBeBetween(column="credits", min_value=0),
        *base58("vote_pubkey", "node_pubkey"),
        # A snapshot can describe an epoch that has closed, never one still to come.
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="observed_epoch", column_B="epoch", or_equal=True
        ),
    ]


def block_production() -> list[Expectation]:
    """One row per leader identity and epoch, as getBlockProduction reported it."""
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeBetween(column="leader_slots", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="blocks_produced", min_value=0),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="leader_slots", column_B="blocks_produced", or_equal=True
        ),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="last_slot", column_B="first_slot", or_equal=True
        ),
        *base58("identity"),
    ]


def epochs() -> list[Expectation]:
    """One row per closed epoch: its slot range, block times and the inflation rates observed."""
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="last_slot", column_B="first_slot", or_equal=True
        ),
        gxe.ExpectColumnValuesToBeBetween(column="slots_in_epoch", min_value=0, strict_min=True),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="end_time", column_B="start_time", or_equal=True
        ),
        *(
            gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1)
            for c in ("inflation_total", "inflation_validator", "inflation_foundation")
        ),
        _observed_after(strictly=True),
    ]


def epoch_credits() -> list[Expectation]:
    """One row per vote account and closed epoch of the epochCredits history."""
    import great_expectations.expectations as gxe

    return [
        *at_least_zero("epoch", "previous_credits", "earned"),
        # Credits are cumulative: an epoch ends with at least what the one before ended with.
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="credits", column_B="previous_credits", or_equal=True
        ),
        *base58("vote_pubkey"),
        _observed_after(strictly=True),
    ]


def leader_schedule() -> list[Expectation]:
    """One row per slot: its scheduled leader."""
    return at_least_zero("slot", "epoch")


def inflation_rewards() -> list[Expectation]:
    """One row per vote account and epoch that earned an inflation (commission) reward."""
    import great_expectations.expectations as gxe

    return [
        *at_least_zero("epoch", "amount", "effective_slot"),
        gxe.ExpectColumnValuesToBeBetween(column="commission", min_value=0, max_value=100),
        # The balance after the reward holds the reward.
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="post_balance", column_B="amount", or_equal=True
        ),
        *base58("vote_pubkey"),
    ]


def cluster_nodes() -> list[Expectation]:
    """One row per gossip node and epoch it was observed in."""
    return [
        *at_least_zero("observed_epoch", "feature_set"),
        *base58("identity"),
    ]


def validator_history() -> list[Expectation]:
    """One row per vote account and closed epoch of StakeNet's validator-history accounts."""
    import great_expectations.expectations as gxe

    return [
        *at_least_zero("epoch", "activated_stake", "epoch_credits", "leader_slots"),
        gxe.ExpectColumnValuesToBeBetween(column="commission", min_value=0, max_value=100),
        gxe.ExpectColumnValuesToBeBetween(
            column="mev_commission_bps", min_value=0, max_value=10_000
        ),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="leader_slots", column_B="blocks_produced", or_equal=True
        ),
        *base58("vote_pubkey"),
        _observed_after(strictly=True),
    ]


def stakenet_config() -> list[Expectation]:
    """One row per epoch the steward's Config was read in: its scoring parameters."""
    import great_expectations.expectations as gxe

    return [
        *at_least_zero("observed_epoch", "minimum_stake_lamports", "minimum_voting_epochs"),
        *(
            gxe.ExpectColumnValuesToBeBetween(column=c, min_value=1, max_value=512)
            for c in ("mev_commission_range", "epoch_credits_range", "commission_range")
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="mev_commission_bps_threshold", min_value=0, max_value=10_000
        ),
        *(
            gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=100)
            for c in ("commission_threshold", "historical_commission_threshold")
        ),
        *(
            gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1)
            for c in (
                "scoring_delinquency_threshold_ratio",
                "instant_unstake_delinquency_threshold_ratio",
            )
        ),
    ]


SUITES: dict[str, SuiteSpec] = {
    spec.table: spec
    for spec in (
        SuiteSpec("raw_solana.vote_accounts", vote_accounts),
        SuiteSpec("raw_solana.block_production", block_production),
        SuiteSpec("raw_solana.epochs", epochs),
        SuiteSpec("raw_solana.epoch_credits", epoch_credits),
        SuiteSpec("raw_solana.leader_schedule", leader_schedule),
        SuiteSpec("raw_solana.inflation_rewards", inflation_rewards),
        # A snapshot of the cluster as it is, filed under the epoch it was observed in.
        SuiteSpec("raw_solana.cluster_nodes", cluster_nodes),
        SuiteSpec("raw_solana.validator_history", validator_history),
        SuiteSpec("raw_solana.stakenet_config", stakenet_config),
    )
}
