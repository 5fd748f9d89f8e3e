"""JSON-RPC method handlers, one module per area, merged into one registry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simnet.cluster import Cluster

Handler = Callable[[Cluster, Any], Any]


def registry() -> dict[str, Handler]:
    """Return every supported method by its RPC name."""
    from simnet.methods import accounts, blocks, cluster_info, nodes, rewards, validators

    return {
        **cluster_info.METHODS,
        **validators.METHODS,
        **blocks.METHODS,
        **rewards.METHODS,
        **nodes.METHODS,
        **accounts.METHODS,
    }
