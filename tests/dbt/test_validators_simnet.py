"""The validator models against simnet's planted truth (commission rugs, latent quality).

simnet's RPC and kobe answers for every closed epoch of the demo cluster are loaded into the raw
tables as the dlt sources would load them, each epoch's vote accounts snapshotted as it closes
(as the closed-epochs sensor does). Block-level tables stay empty: only epoch-level data.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import psycopg
import pytest
from dbt_harness import DBT_PROJECT_DIR, assert_all_passed, run_dbt, select
from raw_fixtures import Rows, load_raw

from orchestration.assets.dbt import BUILD
from simnet import kobe
from simnet.cluster import Cluster
from simnet.methods.rewards import get_inflation_reward
from simnet.methods.validators import get_block_production
from simnet.profiles import get_profile
from simnet.truth import epoch_truth, validators_truth
from simnet.validators import Validator
from simnet.votes import is_delinquent, vote_states

PROFILES = DBT_PROJECT_DIR / "seeds" / "scoring_profiles.csv"


def epoch_rows(cluster: Cluster, epoch: int) -> Rows:
    """One closed epoch's raw rows, from simnet's answers about it."""
    schedule = cluster.schedule
    first, last = schedule.first_slot(epoch), schedule.last_slot(epoch)
    validators = cluster.population.validators
    states = vote_states(cluster, last)
    vote_accounts, epoch_credits = [], []
    for state in states:
        vote = validators[state.index].vote_account
        credits = {e: (c, prev) for e, c, prev in state.epoch_credits}
        vote_accounts.append(
            {
                "epoch": epoch,
                "vote_pubkey": vote,
                "node_pubkey": validators[state.index].identity,
                "activated_stake": state.activated_stake,
                "commission": state.commission,
                "epoch_vote_account": state.epoch_vote_account,
                "delinquent": is_delinquent(state.last_vote, last),
                "last_vote": state.last_vote,
                "root_slot": state.root_slot,
                "observed_epoch": epoch,
            }
        )
        if epoch in credits:
            cumulative, previous = credits[epoch]
            epoch_credits.append(
                {
                    "epoch": epoch,
                    "vote_pubkey": vote,
                    "credits": cumulative,
                    "previous_credits": previous,
                    "earned": cumulative - previous,
                    "observed_epoch": epoch,
                }
            )
    production = get_block_production(cluster, [{"range": {"firstSlot": first, "lastSlot": last}}])
    addresses = [row["vote_pubkey"] for row in vote_accounts]
    rewards = get_inflation_reward(cluster, [addresses, {"epoch": epoch}])
    kobe_validators = kobe.validators(cluster, epoch)["validators"]
    network = kobe.mev_rewards(cluster, epoch)
    return {
        "raw_solana.epochs": [
            {
                "epoch": epoch,
                "first_slot": first,
                "last_slot": last,
                "slots_in_epoch": last - first + 1,
            }
        ],
        "raw_solana.vote_accounts": vote_accounts,
        "raw_solana.epoch_credits": epoch_credits,
        "raw_solana.block_production": [
            {"epoch": epoch, "identity": identity, "leader_slots": slots, "blocks_produced": blocks}
            for identity, (slots, blocks) in production["value"]["byIdentity"].items()
        ],
        "raw_solana.inflation_rewards": [
            {
                "epoch": epoch,
                "vote_pubkey": address,
                "amount": reward["amount"],
                "post_balance": reward["postBalance"],
                "commission": reward["commission"],
                "effective_slot": reward["effectiveSlot"],
            }
            for address, reward in zip(addresses, rewards, strict=True)
            if reward is not None
        ],
        "raw_jito.validators": [
            {
                "epoch": epoch,
                **{
                    k: v[k]
                    for k in (
                        "vote_account",
                        "mev_commission_bps",
                        "mev_rewards",
                        "running_jito",
                        "active_stake",
                    )
                },
            }
            for v in kobe_validators
        ],
        "raw_jito.mev_rewards": [
            {
                k: network[k]
                for k in (
                    "epoch",
                    "total_network_mev_lamports",
                    "jito_stake_weight_lamports",
                    "mev_reward_per_lamport",
                )
            }
        ],
    }


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    return Cluster(get_profile("demo", seed=0))


def raw_rows(cluster: Cluster) -> Rows:
    rows: Rows = {}
    for epoch in cluster.profile.closed_epochs:
        for table, table_rows in epoch_rows(cluster, epoch).items():
            rows.setdefault(table, []).extend(table_rows)
    return rows


def planted_rugs(cluster: Cluster) -> set[tuple[str, int]]:
    """(vote account, epoch) of each planted rug that the loaded epochs can show: one the
    validator existed in before it, and a later one at a lower commission."""
    closed = set(cluster.profile.closed_epochs)
    return {
        (v["vote_account"], epoch)
        for v in validators_truth(cluster)["validators"]
        for epoch in v["rug_epochs"]
        if v["first_epoch"] < epoch and any(e > epoch and e not in v["rug_epochs"] for e in closed)
    }


def balanced_profile() -> dict[str, str]:
    with PROFILES.open() as f:
        return next(row for row in csv.DictReader(f) if row["profile"] == "balanced")


def latent_balanced_score(
    validator: Validator,
    epochs: list[int],
    rugs: set[tuple[str, int]],
    inflation_shares: dict[int, float],
    cluster_skip_probability: float,
    facts: dict[str, float],
) -> float:
    """The balanced profile's score from simnet alone, nothing read back from the warehouse:
    the planted traits (skip probability, vote quality, commission histories) in place of what
    the warehouse measures, and simnet's own answers for the facts (`simnet_facts`).

    Gated (0): a planted rug, a commission over the cap, a vote quality under the credit-ratio
    floor.
    """
    profile = balanced_profile()
    commission = max(validator.commission_at(e) for e in epochs)
    if (
        any((validator.vote_account, e) in rugs for e in epochs)
        or commission > int(profile["commission_cap_pct"])
        or validator.vote_quality < float(profile["credit_ratio_floor"])
    ):
        return 0.0
    mev_commission = max(
        validator.mev_commission_at(e) if validator.runs_jito else 10_000 for e in epochs
    )
    share = sum(inflation_shares[e] for e in epochs) / len(epochs)
    relative_production = (1 - validator.skip_probability) / (1 - cluster_skip_probability)
    components = {
        "reliability": 100 * min(1.0, relative_production),
        "voting": 100 * min(1.0, validator.vote_quality),
        "cost": 100 * (1 - share * commission / 100 - (1 - share) * mev_commission / 10_000),
        **facts,
    }
    weights = {name: float(profile[f"weight_{name}"]) for name in components}
    return sum(weights[n] * c for n, c in components.items()) / sum(weights.values())


def simnet_facts(cluster: Cluster, window: list[int]) -> dict[str, dict[str, float]]:
    """Per vote account, the components that measure facts rather than quality, from simnet's
    kobe answers over the window (docs/validator_scores.md gives the formulas): MEV passed to
    stakers per staked lamport against the cluster's, stake against the smallest superminority
    member's, and the epochs staked in the window."""
    answers = {e: kobe.validators(cluster, e)["validators"] for e in window}
    staker_mev: dict[str, float] = defaultdict(float)
    staked: dict[str, float] = defaultdict(float)
    for rows in answers.values():
        for row in rows:
            bps = row["mev_commission_bps"] if row["running_jito"] else 10_000
            staker_mev[row["vote_account"]] += (row["mev_rewards"] or 0) * (1 - bps / 10_000)
            staked[row["vote_account"]] += row["active_stake"]
    cluster_yield = sum(staker_mev.values()) / sum(staked.values())
    stakes = {row["vote_account"]: row["active_stake"] for row in answers[max(window)]}
    running, smallest_member = 0, 0
    for stake in sorted(stakes.values(), reverse=True):
        running += stake
        if running > sum(stakes.values()) / 3:
            smallest_member = stake
            break
    epochs_staked = Counter(row["vote_account"] for rows in answers.values() for row in rows)
    facts = {}
    for vote in staked:
        stake = stakes.get(vote, 0)
        facts[vote] = {
            "mev_yield": 100 * min(1.0, staker_mev[vote] / staked[vote] / cluster_yield)
            if staked[vote]
            else 0.0,
            "decentralization": 0.0
            if stake >= smallest_member
            else 100 * max(0.0, 1 - stake / smallest_member),
            "tenure": 100 * min(1.0, epochs_staked[vote] / len(window)),
        }
    return facts


def simnet_inflation_shares(cluster: Cluster) -> dict[int, float]:
    """Each closed epoch's share of inflation in the stakers' rewards (inflation and MEV)."""
    shares = {}
    for epoch in cluster.profile.closed_epochs:
        truth = epoch_truth(cluster, epoch)
        inflation, mev = truth["inflation_lamports"], truth["mev_rewards_lamports"]
        shares[epoch] = inflation / (inflation + mev)
    return shares


def test_rugs_and_scores_match_the_truth(
    cluster: Cluster, warehouse_url: str, tmp_path: Path
) -> None:
    load_raw(warehouse_url, raw_rows(cluster))

    # The scores and the rugs they gate on (and their parents), not the MEV or market marts.
    assert_all_passed(run_dbt(warehouse_url, [*BUILD, *select("+validator_scores")], tmp_path))

    closed = list(cluster.profile.closed_epochs)
    with psycopg.connect(warehouse_url) as conn:
        flagged = {
            (vote, epoch)
            for vote, first, last in conn.execute(
                "select vote_account, first_epoch, last_epoch"
                " from intermediate.int_validator_commission_rugs"
            )
            for epoch in range(first, last + 1)
        }
        scores = conn.execute(
            "select vote_account, total_score from marts.validator_scores"
            " where profile = 'balanced' and epoch = %s and epochs_in_window >= 5",
            (max(closed),),
        ).fetchall()

    # Every planted rug is flagged, and nothing else is.
    rugs = planted_rugs(cluster)
    assert rugs and flagged == rugs

    # The balanced score orders validators as their planted traits do.
    validators = {v.vote_account: v for v in cluster.population.validators}
    inflation_shares = simnet_inflation_shares(cluster)
    scored = [validators[vote] for vote, _ in scores]
    cluster_skip_probability = sum(v.skip_probability for v in scored) / len(scored)
    window = int(balanced_profile()["window_epochs"])
    facts = simnet_facts(cluster, closed[-window:])
    measured, latent = [], []
    for validator, (_, total) in zip(scored, scores, strict=True):
        epochs = [
            e
            for e in closed
            if validator.first_epoch <= e
            and (validator.exit_epoch is None or e < validator.exit_epoch)
        ]
        measured.append(float(total))
        latent.append(
            latent_balanced_score(
                validator,
                epochs,
                rugs,
                inflation_shares,
                cluster_skip_probability,
                facts[validator.vote_account],
            )
        )
    assert len(scores) > 200
    spearman = pd.Series(measured).corr(pd.Series(latent), method="spearman")
    assert spearman >= 0.9, spearman
