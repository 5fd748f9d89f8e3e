"""Pure conversions from kobe API answers to raw_jito rows."""

from __future__ import annotations

from typing import Any

VALIDATOR_FIELDS = ("mev_commission_bps", "mev_rewards", "running_jito", "active_stake")
MEV_REWARD_FIELDS = (
    "total_network_mev_lamports",
    "jito_stake_weight_lamports",
    "mev_reward_per_lamport",
)


class UnexpectedAnswer(ValueError):
    """kobe answered in a shape mevhouse does not know; the message says which."""


def validator_rows(answer: Any, epoch: int) -> list[dict[str, Any]]:
    """One row per validator of a /api/v1/validators answer for `epoch`."""
    if not isinstance(answer, dict) or not isinstance(answer.get("validators"), list):
        raise UnexpectedAnswer(f"kobe /api/v1/validators (epoch {epoch}): no `validators` list")
    return [
        {
            "epoch": epoch,
            "vote_account": row["vote_account"],
            **{field: row.get(field) for field in VALIDATOR_FIELDS},
        }
        for row in answer["validators"]
    ]


def mev_rewards_row(answer: Any, epoch: int) -> dict[str, Any]:
    """The network's MEV for `epoch` from a /api/v1/mev_rewards answer."""
    if not isinstance(answer, dict) or answer.get("epoch") != epoch:
        got = answer.get("epoch") if isinstance(answer, dict) else type(answer).__name__
        raise UnexpectedAnswer(f"kobe /api/v1/mev_rewards: asked for epoch {epoch}, got {got}")
    missing = [f for f in MEV_REWARD_FIELDS if f not in answer]
    if missing:
        raise UnexpectedAnswer(f"kobe /api/v1/mev_rewards (epoch {epoch}): no {missing}")
    return {"epoch": epoch, **{f: answer[f] for f in MEV_REWARD_FIELDS}}
