"""Epoch-level Solana data: the dlt source `solana` and where the cluster stands."""

from ingestion.solana.cluster import RpcConfig, closed_epochs, cluster_position
from ingestion.solana.source import make_source, solana_source

__all__ = ["RpcConfig", "closed_epochs", "cluster_position", "make_source", "solana_source"]
