"""Calibration statistics computed the same way from real mainnet files and from a simnet cluster.

Cross-section statistics (stake concentration, commission mixes, credits spread) describe one
epoch's staked validators; reward ratios describe a run of epochs. Both sides go through the same
functions, so a test can compare them number for number.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from simnet.cluster import Cluster
from simnet.inflation import epoch_inflation
from simnet.jito import epoch_mev
from simnet.votes import credits_earned

# Inclusive (low, high) ranges: commission in percent, MEV commission in basis points.
COMMISSION_BUCKETS = {
    "0": (0, 0),
    "1-5": (1, 5),
    "6-10": (6, 10),
    "11-99": (11, 99),
    "100": (100, 100),
}
MEV_COMMISSION_BUCKETS = {
    "0": (0, 0),
    "1-500": (1, 500),
    "501-1000": (501, 1_000),
    "1001-9999": (1_001, 9_999),
    "10000": (10_000, 10_000),
}
NO_JITO = "no jito"
CREDIT_QUANTILES = (0.1, 0.5, 0.9)


@dataclass(frozen=True)
class CrossSection:
    """One epoch's staked validators: stake, commission %, MEV commission bps (or None), credits."""

    stakes: npt.NDArray[np.float64]
    commissions: npt.NDArray[np.float64]
    mev_commissions: tuple[int | None, ...]
    credits: npt.NDArray[np.float64]


@dataclass(frozen=True)
class EpochRewards:
    """One epoch's network totals in one unit: inflation, MEV rewards, leaders' block rewards."""

    epoch: int
    inflation: float
    mev: float
    block: float


def stake_coefficient(stakes: npt.NDArray[np.float64], share: float) -> int:
    """Return how many of the largest validators together hold more than a share of the stake."""
    ordered = np.sort(stakes)[::-1]
    cumulative = np.cumsum(ordered) / ordered.sum()
    return int(np.searchsorted(cumulative, share, side="right")) + 1


def nakamoto_coefficient(stakes: npt.NDArray[np.float64]) -> int:
    """Return the Nakamoto coefficient: the size of the superminority (more than 1/3 of stake)."""
    return stake_coefficient(stakes, 1 / 3)


def histogram(
    values: Sequence[float | None], buckets: dict[str, tuple[int, int]]
) -> dict[str, float]:
    """Return the share of values in each inclusive bucket, None counted as 'no jito'."""
    n = len(values)
    shares = {
        label: sum(v is not None and lo <= v <= hi for v in values) / n
        for label, (lo, hi) in buckets.items()
    }
    if any(v is None for v in values):
        shares[NO_JITO] = sum(v is None for v in values) / n
    return shares


def credits_spread(credits: npt.NDArray[np.float64]) -> dict[str, float]:
    """Return credits at the 10th, 50th and 90th percentiles as a share of the best validator's."""
    top = credits.max()
    return {f"p{round(q * 100)}": float(np.quantile(credits, q) / top) for q in CREDIT_QUANTILES}


def reward_ratios(epochs: Sequence[EpochRewards]) -> dict[str, float]:
    """Return the median over epochs of MEV / inflation and block rewards / inflation."""
    return {
        "mev/inflation": float(np.median([e.mev / e.inflation for e in epochs])),
        "block/inflation": float(np.median([e.block / e.inflation for e in epochs])),
    }


def summarise(section: CrossSection) -> dict[str, object]:
    """Return every cross-section statistic the calibration compares."""
    return {
        "validators": len(section.stakes),
        "nakamoto": nakamoto_coefficient(section.stakes),
        "two_thirds": stake_coefficient(section.stakes, 2 / 3),
        "commission": histogram(list(section.commissions), COMMISSION_BUCKETS),
        "mev_commission": histogram(section.mev_commissions, MEV_COMMISSION_BUCKETS),
        "credits": credits_spread(section.credits),
    }


def read_validator_metas(path: Path) -> CrossSection:
    """Read a ds-sam validator_metas snapshot (stake in lamports), keeping staked validators."""
    metas = [m for m in json.loads(path.read_text())["validator_metas"] if m["stake"] > 0]
    return CrossSection(
        stakes=np.array([m["stake"] for m in metas], dtype=np.float64),
        commissions=np.array([m["commission"] for m in metas], dtype=np.float64),
        mev_commissions=tuple(m["mev_commission"] for m in metas),
        credits=np.array([m["credits"] for m in metas], dtype=np.float64),
    )


def read_trillium_epochs(path: Path, first: int, last: int) -> list[EpochRewards]:
    """Read Trillium's per-epoch network totals (SOL; MEV after the block engine) for a range."""
    with path.open(newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter=";") if first <= int(r["epoch"]) <= last]
    return [
        EpochRewards(
            epoch=int(r["epoch"]),
            inflation=float(r["total_total_inflation_reward"]),
            mev=float(r["total_mev_earned"]),
            block=float(r["total_block_rewards"]),
        )
        for r in rows
    ]


def simnet_cross_section(cluster: Cluster, epoch: int) -> CrossSection:
    """Return a closed epoch's staked validators as simnet's ground truth knows them."""
    stakes = cluster.population.stakes(epoch)
    credits = credits_earned(cluster, epoch, cluster.schedule.last_slot(epoch))
    staked = [v for v in cluster.population.validators if stakes[v.index] > 0]
    index = np.array([v.index for v in staked])
    return CrossSection(
        stakes=stakes[index].astype(np.float64),
        commissions=np.array([v.commission_at(epoch) for v in staked], dtype=np.float64),
        mev_commissions=tuple(v.mev_commission_at(epoch) for v in staked),
        credits=credits[index].astype(np.float64),
    )


def simnet_epoch_rewards(cluster: Cluster, epoch: int) -> EpochRewards:
    """Return a closed epoch's inflation, MEV rewards and leaders' Fee rewards (lamports)."""
    return EpochRewards(
        epoch=epoch,
        inflation=float(epoch_inflation(cluster, epoch).total),
        mev=float(epoch_mev(cluster, epoch).mev_rewards.sum()),
        block=float(cluster.blocks.economics(epoch).leader_fees.sum()),
    )
