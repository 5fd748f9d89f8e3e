"""Calibration: simnet's mainnet profile against real mainnet epochs, computed the same way."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simnet import calibration as cal
from simnet.cluster import Cluster
from simnet.profiles import get_profile

# The real reference: ds-sam's end-of-epoch snapshot of epoch 796, and Trillium's network totals
# for epochs 796-842 (the span between the two per-validator snapshots in the shared data).
SNAPSHOT = "validators/validator_metas_epoch796_marinade_dssam.json"
NETWORK = "network/trillium_epoch_data.csv"
REWARD_EPOCHS = (796, 842)

# Mainnet's own Nakamoto coefficient moved 19 -> 21 -> 22 over epochs 650-842; +-30% allows for
# drawing ~1,600 validators but rejects a distribution whose tail is off.
CONCENTRATION_REL_TOL = 0.30
# Bucket shares moved by up to 30 points between epochs 650 and 796 (0% commission: 32% -> 59%);
# 10 points keeps simnet in the same era.
HISTOGRAM_ABS_TOL = 0.10
# StakeNet gates at 0.97 of the best credits; one point keeps simnet's pass/fail mix near mainnet's.
CREDITS_ABS_TOL = 0.01
# Mainnet's per-epoch MEV / inflation ranged 0.041-0.162 over the window: the median must be
# within a factor of 1.5 of the real median.
RATIO_FACTOR = 1.5


@pytest.fixture(scope="module")
def real(mainnet_data: Path) -> tuple[dict[str, object], dict[str, float]]:
    """The statistics of the real reference."""
    section = cal.read_validator_metas(mainnet_data / SNAPSHOT)
    epochs = cal.read_trillium_epochs(mainnet_data / NETWORK, *REWARD_EPOCHS)
    assert len(epochs) == REWARD_EPOCHS[1] - REWARD_EPOCHS[0] + 1
    return cal.summarise(section), cal.reward_ratios(epochs)


@pytest.fixture(scope="module")
def simnet() -> tuple[dict[str, object], dict[str, float]]:
    """The same statistics from the mainnet profile: its last closed epoch, all closed epochs."""
    cluster = Cluster(get_profile("mainnet"))
    closed = cluster.profile.closed_epochs
    section = cal.simnet_cross_section(cluster, closed[-1])
    epochs = [cal.simnet_epoch_rewards(cluster, e) for e in closed]
    return cal.summarise(section), cal.reward_ratios(epochs)


Stats = tuple[dict[str, object], dict[str, float]]


@pytest.mark.parametrize("statistic", ["nakamoto", "two_thirds"])
def test_stake_concentration(real: Stats, simnet: Stats, statistic: str) -> None:
    want, got = real[0][statistic], simnet[0][statistic]
    assert isinstance(want, int) and isinstance(got, int)
    assert abs(got - want) <= CONCENTRATION_REL_TOL * want, (
        f"{statistic}: simnet {got}, real {want}"
    )


@pytest.mark.parametrize("statistic", ["commission", "mev_commission"])
def test_commission_histograms(real: Stats, simnet: Stats, statistic: str) -> None:
    want, got = real[0][statistic], simnet[0][statistic]
    assert isinstance(want, dict) and isinstance(got, dict)
    assert want.keys() == got.keys()
    for bucket, share in want.items():
        assert abs(got[bucket] - share) <= HISTOGRAM_ABS_TOL, (
            f"{statistic} {bucket}: simnet {got[bucket]:.3f}, real {share:.3f}"
        )


def test_credits_spread(real: Stats, simnet: Stats) -> None:
    want, got = real[0]["credits"], simnet[0]["credits"]
    assert isinstance(want, dict) and isinstance(got, dict)
    for quantile, share in want.items():
        assert abs(got[quantile] - share) <= CREDITS_ABS_TOL, (
            f"credits {quantile}: simnet {got[quantile]:.4f}, real {share:.4f}"
        )


@pytest.mark.parametrize("ratio", ["mev/inflation", "block/inflation"])
def test_rewards_relative_to_inflation(real: Stats, simnet: Stats, ratio: str) -> None:
    want, got = real[1][ratio], simnet[1][ratio]
    assert want / RATIO_FACTOR <= got <= want * RATIO_FACTOR, f"{ratio}: simnet {got}, real {want}"


def test_stake_coefficients_on_a_known_distribution() -> None:
    stakes = np.array([40.0, 30.0, 20.0, 10.0])
    assert cal.nakamoto_coefficient(stakes) == 1  # 40% alone passes a third
    assert cal.stake_coefficient(stakes, 2 / 3) == 2  # 70% passes two thirds
    assert cal.stake_coefficient(np.array([1.0, 1.0, 1.0]), 1 / 3) == 2  # exactly 1/3 does not


def test_histogram_counts_missing_jito_separately() -> None:
    shares = cal.histogram([0, 500, 1_000, None], cal.MEV_COMMISSION_BUCKETS)
    assert shares == {
        "0": 0.25,
        "1-500": 0.25,
        "501-1000": 0.25,
        "1001-9999": 0.0,
        "10000": 0.0,
        "no jito": 0.25,
    }


def test_credits_spread_is_relative_to_the_best() -> None:
    spread = cal.credits_spread(np.linspace(0.0, 100.0, 11))
    assert spread == pytest.approx({"p10": 0.1, "p50": 0.5, "p90": 0.9})
