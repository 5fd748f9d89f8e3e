"""Resources resolved at launch from the environment; secrets never enter run config."""

from __future__ import annotations

import dagster as dg

from ingestion.jito import PUBLIC_KOBE_URL, JitoConfig
from ingestion.solana import RpcConfig
from orchestration.settings import load_settings
from orchestration.warehouse import warehouse_url


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse URL: MEVHOUSE_WAREHOUSE_URL, or the embedded PostgreSQL."""

    def url(self, role: str | None = None) -> str:
        """The URL the stage connects with: as its own `role` (warehouse.LOADER, ...)."""
        return warehouse_url(load_settings(), role)


class SolanaRpcResource(dg.ConfigurableResource):
    """The Solana RPC endpoint (SOLANA_RPC_URL) and the client's rate limits."""

    def config(self) -> RpcConfig:
        settings = load_settings()
        if not settings.rpc_url:
            raise dg.Failure(
                "SOLANA_RPC_URL is not set: point it at an RPC provider, or launch through "
                "`mevhouse run` / `mevhouse ui`, which start simnet when it is unset"
            )
        return RpcConfig(
            settings.rpc_url,
            max_rps=settings.rpc_max_rps,
            concurrency=settings.rpc_concurrency,
            limits=settings.waits,
        )


class JitoApiResource(dg.ConfigurableResource):
    """Jito's kobe API: JITO_API_URL, else the public kobe API when SOLANA_RPC_URL is set."""

    def config(self) -> JitoConfig:
        settings = load_settings()
        if settings.jito_api_url:
            return JitoConfig(settings.jito_api_url, settings.waits)
        if settings.rpc_url:
            # A real cluster without a Jito URL of its own: Jito's public API for mainnet.
            return JitoConfig(PUBLIC_KOBE_URL, settings.waits)
        raise dg.Failure(
            "JITO_API_URL is not set: point it at a kobe API, or launch through "
            "`mevhouse run` / `mevhouse ui`, which start simnet (serving kobe) when "
            "SOLANA_RPC_URL is unset"
        )
