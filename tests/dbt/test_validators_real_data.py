"""Real mainnet epochs through the validator models, checked against Python on the same files.

The Marinade ds-sam snapshots (epochs 650 and 796) give, per vote account, its stake, commission,
MEV commission and vote credits, plus the epoch's total inflation paid to validators. They are
loaded as the dlt sources would load them; what getInflationReward would have returned for each
vote account (its commission cut of a reward split by points = stake x credits, floored like the
runtime) is derived from the same numbers. The models must then reproduce stake shares, the
Nakamoto coefficient and the stakers' inflation APY that this module computes on its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import psycopg
import pytest
from dbt_harness import assert_all_passed, run_dbt, select
from raw_fixtures import Rows, load_raw

from orchestration.assets.dbt import BUILD

SNAPSHOTS = {
    650: "validator_metas_epoch650_marinade_dssam.json",
    796: "validator_metas_epoch796_marinade_dssam.json",
}
SLOTS_PER_EPOCH = 432_000


@dataclass(frozen=True)
class Snapshot:
    epoch: int
    last_slot: int
    epoch_duration_in_years: float
    validator_rewards: int
    # vote account -> (stake, commission, MEV commission bps or None, credits); staked only.
    validators: dict[str, tuple[int, int, int | None, int]]

    @property
    def total_stake(self) -> int:
        return sum(stake for stake, *_ in self.validators.values())

    @property
    def points(self) -> int:
        return sum(stake * credits for stake, _, _, credits in self.validators.values())

    def reward(self, vote: str) -> int:
        """The vote account's whole inflation reward: its share of points, floored."""
        stake, _, _, credits = self.validators[vote]
        return self.validator_rewards * stake * credits // self.points


def read_snapshot(path: Path) -> Snapshot:
    data = json.loads(path.read_text())
    # The file lists every vote account on chain; getVoteAccounts, what the pipeline loads,
    # describes the staked ones (the unstaked include placeholder commissions such as 254).
    validators = {
        meta["vote_account"]: (
            meta["stake"],
            meta["commission"],
            meta["mev_commission"],
            meta["credits"],
        )
        for meta in data["validator_metas"]
        if meta["stake"] > 0
    }
    return Snapshot(
        epoch=data["epoch"],
        last_slot=data["slot"],
        epoch_duration_in_years=data["epoch_duration_in_years"],
        validator_rewards=data["validator_rewards"],
        validators=validators,
    )


def raw_rows(snapshots: list[Snapshot]) -> Rows:
    """The snapshots as dlt loads them; a vote account's identity is unknown, so it stands in."""
    rows: Rows = {
        "raw_solana.epochs": [],
        "raw_solana.vote_accounts": [],
        "raw_solana.epoch_credits": [],
        "raw_solana.inflation_rewards": [],
        "raw_jito.validators": [],
    }
    for snap in snapshots:
        rows["raw_solana.epochs"].append(
            {
                "epoch": snap.epoch,
                "first_slot": snap.last_slot - SLOTS_PER_EPOCH + 1,
                "last_slot": snap.last_slot,
                "slots_in_epoch": SLOTS_PER_EPOCH,
                "observed_epoch": snap.epoch + 1,
            }
        )
        for vote, (stake, commission, mev_bps, credits) in snap.validators.items():
            key = {"epoch": snap.epoch, "vote_pubkey": vote}
            rows["raw_solana.vote_accounts"].append(
                {
                    **key,
                    "node_pubkey": vote,
                    "activated_stake": stake,
                    "commission": commission,
                    "epoch_vote_account": True,
                    "delinquent": False,
                    "observed_epoch": snap.epoch + 1,
                }
            )
            rows["raw_solana.epoch_credits"].append(
                {**key, "credits": credits, "previous_credits": 0, "earned": credits}
            )
            # getInflationReward for a vote account: its commission cut, floored.
            rows["raw_solana.inflation_rewards"].append(
                {**key, "amount": snap.reward(vote) * commission // 100, "commission": commission}
            )
            if mev_bps is not None:
                rows["raw_jito.validators"].append(
                    {
                        "epoch": snap.epoch,
                        "vote_account": vote,
                        "mev_commission_bps": mev_bps,
                        "running_jito": True,
                        "active_stake": stake,
                    }
                )
    return rows


def nakamoto_coefficient(stakes: list[int]) -> int:
    """How many of the largest stakes it takes to exceed a third of the total."""
    total, running = sum(stakes), 0
    for count, stake in enumerate(sorted(stakes, reverse=True), start=1):
        running += stake
        if 3 * running > total:
            return count
    raise ValueError("no stake")


def staker_inflation_apy(snap: Snapshot, vote: str) -> float:
    """(1 + stakers' reward per staked lamport) ^ epochs a year - 1, straight from the file."""
    _stake, commission, _, credits = snap.validators[vote]
    per_epoch = Fraction(snap.validator_rewards * credits, snap.points) * (100 - commission) / 100
    return float((1 + per_epoch) ** (1 / snap.epoch_duration_in_years) - 1)


@pytest.fixture(scope="module")
def snapshots(mainnet_data: Path) -> list[Snapshot]:
    return [read_snapshot(mainnet_data / "validators" / name) for name in SNAPSHOTS.values()]


def test_models_reproduce_the_snapshots(
    snapshots: list[Snapshot], warehouse_url: str, tmp_path: Path
) -> None:
    load_raw(warehouse_url, raw_rows(snapshots))

    # The two marts the snapshots are compared with, and their parents.
    result = run_dbt(warehouse_url, [*BUILD, *select("+cluster_epochs")], tmp_path)

    assert_all_passed(result)
    with psycopg.connect(warehouse_url) as conn:
        validators = {
            (epoch, vote): (share, gross, apy)
            for epoch, vote, share, gross, apy in conn.execute(
                "select epoch, vote_account, stake_share, inflation_rewards_lamports,"
                " staker_inflation_apy from marts.fct_validator_epochs"
            )
        }
        clusters = {
            epoch: (stake, nakamoto, superminority, inflation)
            for epoch, stake, nakamoto, superminority, inflation in conn.execute(
                "select epoch, total_stake_lamports, nakamoto_coefficient, superminority_size,"
                " inflation_rewards_lamports from marts.cluster_epochs"
            )
        }

    for snap in snapshots:
        assert len(snap.validators) > 1_000
        stake, nakamoto, superminority, inflation = clusters[snap.epoch]
        assert stake == snap.total_stake
        assert (
            nakamoto
            == superminority
            == nakamoto_coefficient([stake for stake, *_ in snap.validators.values()])
        )
        # Each reconstructed reward is exact to the flooring of its commission cut.
        assert abs(inflation - snap.validator_rewards) < 100 * len(snap.validators)
        for vote, (stake, commission, _, _) in snap.validators.items():
            share, gross, apy = validators[(snap.epoch, vote)]
            assert share == pytest.approx(
                Decimal(stake) / Decimal(snap.total_stake), abs=Decimal("1e-18")
            )
            # A commission cut reveals the whole reward to 100 / c lamports; without a cut it is
            # priced per point from the others' rewards, whose flooring barely moves the price.
            reward = snap.reward(vote)
            tolerance = 100 // commission + 1 if commission else reward * 1e-9 + 1
            assert abs(gross - reward) <= tolerance, vote
            # The stakers' share, (100 - c)% of it, is floored too, as was the file's own reward.
            stakers_tolerance = tolerance * (100 - commission) / 100 + 2
            stakers_reward = max(reward * (100 - commission) / 100, 1)
            expected = staker_inflation_apy(snap, vote)
            assert float(apy) == pytest.approx(expected, rel=stakers_tolerance / stakers_reward)
