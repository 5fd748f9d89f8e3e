"""dbt layers only look down: staging reads sources, intermediate reads staging and intermediate,
marts read intermediate and the marts of their own domain (seeds are readable from any layer).

The rule is checked on the dependencies dbt's manifest records for every model.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath

from dbt_harness import parsed_manifest

# What each layer may read: a source, a seed, or a model of one of these layers.
ALLOWED = {
    "staging": {"source", "seed"},
    "intermediate": {"seed", "staging", "intermediate"},
    "marts": {"seed", "intermediate", "marts"},
}

# A node: (kind: model, source or seed; path of a model's file under dbt_project/; name).
Node = tuple[str, str, str]


def layer_and_domain(node: Node) -> tuple[str, str | None]:
    """A model's layer (its first folder under models/) and domain (the folder below it)."""
    kind, path, _ = node
    if kind != "model":
        return kind, None
    parts = PurePosixPath(path).parts
    assert parts[0] == "models" and parts[1] in ALLOWED, f"{path} is in no layer"
    return parts[1], parts[2] if len(parts) > 3 else None


def violations(
    nodes: Mapping[str, Node], depends_on: Mapping[str, list[str]]
) -> set[tuple[str, str]]:
    """(model, what it reads) for every read that goes up a layer or across mart domains."""
    found = set()
    for model, parents in depends_on.items():
        layer, domain = layer_and_domain(nodes[model])
        for parent in parents:
            parent_layer, parent_domain = layer_and_domain(nodes[parent])
            crosses_domain = layer == parent_layer == "marts" and domain != parent_domain
            if parent_layer not in ALLOWED[layer] or crosses_domain:
                found.add((nodes[model][2], nodes[parent][2]))
    return found


def project_graph() -> tuple[dict[str, Node], dict[str, list[str]]]:
    manifest = parsed_manifest()
    nodes: dict[str, Node] = {}
    for uid, source in manifest.sources.items():
        nodes[uid] = ("source", "", f"{source.source_name}.{source.name}")
    depends_on = {}
    for uid, node in manifest.nodes.items():
        if node.resource_type in ("model", "seed"):
            nodes[uid] = (str(node.resource_type), node.original_file_path, node.name)
        if node.resource_type == "model":
            depends_on[uid] = [p for p in node.depends_on.nodes if p.split(".")[0] != "macro"]
    return nodes, depends_on


def test_models_read_only_their_layer_or_below() -> None:
    nodes, depends_on = project_graph()
    assert len(depends_on) > 40
    assert violations(nodes, depends_on) == set()


def test_the_rule_catches_upward_and_cross_domain_reads() -> None:
    nodes = {
        "raw": ("source", "", "raw.blocks"),
        "stg": ("model", "models/staging/solana/stg_blocks.sql", "stg_blocks"),
        "int": ("model", "models/intermediate/mev/int_blocks.sql", "int_blocks"),
        "fct": ("model", "models/marts/mev/fct_blocks.sql", "fct_blocks"),
        "tips": ("model", "models/marts/mev/fct_tips.sql", "fct_tips"),
        "val": ("model", "models/marts/validators/fct_val.sql", "fct_val"),
        "seed": ("seed", "seeds/tokens.csv", "tokens"),
    }
    allowed = {
        "stg": ["raw", "seed"],
        "int": ["stg", "seed"],
        "fct": ["int", "tips", "seed"],
    }
    assert violations(nodes, allowed) == set()
    upward = {"stg": ["int"], "int": ["fct", "raw"], "fct": ["stg", "val"]}
    assert violations(nodes, upward) == {
        ("stg_blocks", "int_blocks"),
        ("int_blocks", "fct_blocks"),
        ("int_blocks", "raw.blocks"),
        ("fct_blocks", "stg_blocks"),
        ("fct_blocks", "fct_val"),
    }
