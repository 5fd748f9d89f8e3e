"""The dlt source `jito`: kobe's per-epoch validator MEV data into the `raw_jito` dataset."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dlt
from dlt.extract.source import DltSource

from ingestion.jito import helpers
from ingestion.jito.client import JitoApi
from ingestion.jito.settings import MEV_REWARDS, VALIDATORS
from ingestion.retry import DEFAULT_WAITS, WaitLimits
from ingestion.rpc import run_sync

# Jito's public kobe API, used when SOLANA_RPC_URL names a real cluster and JITO_API_URL is unset.
PUBLIC_KOBE_URL = "https://kobe.mainnet.jito.network"
Rows = Iterator[list[dict[str, Any]]]


@dataclass(frozen=True)
class JitoConfig:
    """The kobe base URL; it may hold an API key and is never logged."""

    url: str
    limits: WaitLimits = DEFAULT_WAITS

    def client(self) -> JitoApi:
        return JitoApi(self.url, limits=self.limits)


def fetch_epochs(config: JitoConfig, route: str, epochs: list[int]) -> list[Any]:
    """POST {"epoch": N} to a kobe route for every epoch, concurrently; answers in epoch order."""

    async def fetch() -> list[Any]:
        async with config.client() as api:
            calls = (api.post(route, {"epoch": e}, what=f"kobe {route} epoch {e}") for e in epochs)
            return list(await asyncio.gather(*calls))

    return run_sync(fetch)


@dlt.source(name="jito", max_table_nesting=0)
def jito_source(config: JitoConfig, epochs: list[int]) -> Any:
    """Validators' MEV commission and rewards, and the network's MEV, for the given epochs."""

    @dlt.resource(
        name=VALIDATORS.name,
        primary_key=VALIDATORS.key,
        write_disposition="merge",
        columns=VALIDATORS.dlt_columns(),
    )
    def validators() -> Rows:
        answers = fetch_epochs(config, "/api/v1/validators", epochs)
        for epoch, answer in zip(epochs, answers, strict=True):
            yield helpers.validator_rows(answer, epoch)

    @dlt.resource(
        name=MEV_REWARDS.name,
        primary_key=MEV_REWARDS.key,
        write_disposition="merge",
        columns=MEV_REWARDS.dlt_columns(),
    )
    def mev_rewards() -> Rows:
        answers = fetch_epochs(config, "/api/v1/mev_rewards", epochs)
        yield [helpers.mev_rewards_row(a, e) for e, a in zip(epochs, answers, strict=True)]

    return validators, mev_rewards


def make_source(config: JitoConfig, epochs: list[int]) -> DltSource:
    """A fresh source per run (dagster-dlt cannot run the same source object twice)."""
    return jito_source(config, epochs)
