"""Resources resolved at launch from the environment; secrets never enter run config."""

from __future__ import annotations

import dagster as dg

from ingestion.solana import RpcConfig
from orchestration.settings import load_settings
from orchestration.warehouse import warehouse_url


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse URL: MEVHOUSE_WAREHOUSE_URL, or the embedded PostgreSQL."""

    def url(self) -> str:
        return warehouse_url(load_settings())


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
        )
