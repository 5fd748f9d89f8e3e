"""GX suites for the tables the Jito (kobe API) source loads into `raw_jito`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from expectations.suite import SuiteSpec, at_least_zero, base58

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation


def validators() -> list[Expectation]:
    """One row per vote account and epoch kobe lists; MEV fields are null where Jito is not run."""
    import great_expectations.expectations as gxe

    return [
        *at_least_zero("epoch", "mev_rewards", "active_stake"),
        # Basis points: 10,000 is the whole of the MEV.
        gxe.ExpectColumnValuesToBeBetween(
            column="mev_commission_bps", min_value=0, max_value=10_000
        ),
        *base58("vote_account"),
    ]


def mev_rewards() -> list[Expectation]:
    """One row per epoch: the network's MEV and the Jito stake it is shared over."""
    return [
        *at_least_zero(
            "epoch",
            "total_network_mev_lamports",
            "jito_stake_weight_lamports",
            "mev_reward_per_lamport",
        ),
    ]


SUITES: dict[str, SuiteSpec] = {
    spec.table: spec
    for spec in (
        SuiteSpec("raw_jito.validators", validators),
        SuiteSpec("raw_jito.mev_rewards", mev_rewards),
    )
}
