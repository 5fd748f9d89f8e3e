"""Resources that carry their configuration as fields, built from the settings in one place.

Secrets (URLs that may hold a password or an API key) are `dg.EnvVar` fields: Dagster reads
them when a run launches and shows only the variable's name in the UI and in run config. The
other fields are plain values, read once when the definitions are built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dagster as dg

from ingestion.jito import PUBLIC_KOBE_URL, JitoConfig
from ingestion.retry import WaitLimits
from ingestion.solana import RpcConfig
from orchestration.settings import EXPORT_URL_VARIABLE, Settings
from orchestration.warehouse import LOADER, ROLE_URL_VARIABLES, TRANSFORMER, stage_url


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse: `warehouse_url`, else the embedded PostgreSQL under `pg_dir`."""

    pg_dir: str
    warehouse_url: str | None = None
    loader_url: str | None = None
    transformer_url: str | None = None

    def url(self, role: str | None = None) -> str:
        """The URL the stage connects with: as its own `role` (warehouse.LOADER, ...)."""
        own = {LOADER: self.loader_url, TRANSFORMER: self.transformer_url}
        role_urls = {name: url for name, url in own.items() if url}
        return stage_url(self.warehouse_url, role_urls, Path(self.pg_dir), role)


class SolanaRpcResource(dg.ConfigurableResource):
    """The Solana RPC endpoint (SOLANA_RPC_URL) and the client's rate limits."""

    url: str | None = None
    max_rps: float
    concurrency: int
    max_wait: float
    deadline: float

    def config(self) -> RpcConfig:
        if not self.url:
            raise dg.Failure(
                "SOLANA_RPC_URL is not set: point it at an RPC provider, or launch through "
                "`mevhouse run` / `mevhouse ui`, which start simnet when it is unset"
            )
        return RpcConfig(
            self.url,
            max_rps=self.max_rps,
            concurrency=self.concurrency,
            limits=WaitLimits(max_wait=self.max_wait, deadline=self.deadline),
        )


class JitoApiResource(dg.ConfigurableResource):
    """Jito's kobe API: JITO_API_URL, else the public kobe API when SOLANA_RPC_URL is set."""

    url: str | None = None
    max_wait: float
    deadline: float

    def config(self) -> JitoConfig:
        if not self.url:
            raise dg.Failure(
                "JITO_API_URL is not set: point it at a kobe API, or launch through "
                "`mevhouse run` / `mevhouse ui`, which start simnet (serving kobe) when "
                "SOLANA_RPC_URL is unset"
            )
        return JitoConfig(self.url, WaitLimits(max_wait=self.max_wait, deadline=self.deadline))


class LoadingResource(dg.ConfigurableResource):
    """How loads run: dlt's working directory, the share of leader windows loaded with full
    transactions (MEVHOUSE_TX_SAMPLE), and which closed epochs to load (MEVHOUSE_EPOCHS)."""

    pipelines_dir: str
    tx_sample: float
    epochs: str | None = None


class ExportsResource(dg.ConfigurableResource):
    """Where exports and reports go: MEVHOUSE_EXPORT_URL, else `exports/` under MEVHOUSE_HOME."""

    url: str


def loading_resource(settings: Settings) -> LoadingResource:
    return LoadingResource(
        pipelines_dir=str(settings.pipelines_dir),
        tx_sample=settings.tx_sample,
        epochs=settings.epochs,
    )


def _secret(variable: str, value: str | None) -> str | None:
    """The variable as a `dg.EnvVar` when it is set (read again at launch), else None."""
    return dg.EnvVar(variable) if value else None


def build_resources(settings: Settings) -> dict[str, Any]:
    """The warehouse, RPC and Jito resources of `settings` (orchestration/settings.py)."""
    waits = {"max_wait": settings.waits.max_wait, "deadline": settings.waits.deadline}
    role_urls = settings.role_urls
    jito_url = _secret("JITO_API_URL", settings.jito_api_url)
    if jito_url is None and settings.rpc_url:
        # A real cluster without a Jito URL of its own: Jito's public API for mainnet.
        jito_url = PUBLIC_KOBE_URL
    return {
        "warehouse": WarehouseResource(
            pg_dir=str(settings.pg_dir),
            warehouse_url=_secret("MEVHOUSE_WAREHOUSE_URL", settings.warehouse_url),
            loader_url=_secret(
                ROLE_URL_VARIABLES[LOADER], role_urls.get(ROLE_URL_VARIABLES[LOADER])
            ),
            transformer_url=_secret(
                ROLE_URL_VARIABLES[TRANSFORMER], role_urls.get(ROLE_URL_VARIABLES[TRANSFORMER])
            ),
        ),
        "solana_rpc": SolanaRpcResource(
            url=_secret("SOLANA_RPC_URL", settings.rpc_url),
            max_rps=settings.rpc_max_rps,
            concurrency=settings.rpc_concurrency,
            **waits,
        ),
        "jito_api": JitoApiResource(url=jito_url, **waits),
        "loading": loading_resource(settings),
        # An object store's URL may carry its keys: then an EnvVar, like the other URLs.
        "exports": ExportsResource(
            url=_secret(EXPORT_URL_VARIABLE, settings.export_url_given) or settings.export_url
        ),
    }
