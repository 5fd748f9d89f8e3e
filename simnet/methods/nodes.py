"""getClusterNodes: one gossip entry per live validator, with its software version."""

from __future__ import annotations

from typing import Any

from simnet import params
from simnet.cluster import Cluster
from simnet.methods.common import FEATURE_SET
from simnet.rng import digest

# (version, feature set, share of validators): Agave, Jito-Solana builds and Firedancer.
VERSIONS = (
    ("2.2.16", FEATURE_SET, 0.45),
    ("2.2.14", 1_420_694_968, 0.25),
    ("2.3.6", 2_908_148_756, 0.2),
    ("0.505.20216", 3_294_202_862, 0.1),
)
SHRED_VERSION = 50_093


def software_version(seed: int, index: int) -> tuple[str, int]:
    """Return the (version, feature set) a validator runs."""
    u = int.from_bytes(digest(seed, "software", index)[:4], "little") / 2**32
    for version, feature_set, share in VERSIONS:
        if u < share:
            return version, feature_set
        u -= share
    return VERSIONS[0][0], VERSIONS[0][1]


def _ip(seed: int, index: int) -> str:
    raw = digest(seed, "ip", index)
    return f"{64 + raw[0] % 128}.{raw[1]}.{raw[2]}.{1 + raw[3] % 254}"


def get_cluster_nodes(cluster: Cluster, raw: Any) -> list[dict[str, Any]]:
    """Answer getClusterNodes for validators that are up at the tip."""
    params.positional(raw, 0)
    slot = cluster.current_slot()
    epoch = cluster.schedule.epoch(slot)
    pop = cluster.population
    stakes = pop.stakes(epoch)
    out = []
    for v in pop.validators:
        if v.first_epoch > epoch or stakes[v.index] == 0 or pop.down_from_slot[v.index] <= slot:
            continue
        version, feature_set = software_version(cluster.seed, v.index)
        ip = _ip(cluster.seed, v.index)
        # A few validators also expose a public RPC port.
        rpc = f"{ip}:8899" if v.index % 17 == 0 else None
        out.append(
            {
                "featureSet": feature_set,
                "gossip": f"{ip}:8001",
                "pubkey": v.identity,
                "pubsub": None if rpc is None else f"{ip}:8900",
                "rpc": rpc,
                "serveRepair": f"{ip}:8008",
                "shredVersion": SHRED_VERSION,
                "tpu": f"{ip}:8003",
                "tpuForwards": f"{ip}:8004",
                "tpuForwardsQuic": f"{ip}:8010",
                "tpuQuic": f"{ip}:8009",
                "tpuVote": f"{ip}:8005",
                "tvu": f"{ip}:8000",
                "version": version,
            }
        )
    return out


METHODS = {"getClusterNodes": get_cluster_nodes}
