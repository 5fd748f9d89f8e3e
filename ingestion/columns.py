"""dlt column hints from plain type maps, shared by every source's settings."""

from __future__ import annotations

from dlt.common.schema.typing import TColumnSchema


def columns(types: dict[str, str], nullable: tuple[str, ...] = ()) -> dict[str, TColumnSchema]:
    """Hints for `types` (column -> dlt data type); only the `nullable` columns may hold nulls."""
    # A fresh dict per column: dlt writes into the hints it is given.
    return {
        name: {"data_type": data_type, "nullable": name in nullable}  # type: ignore[typeddict-item]
        for name, data_type in types.items()
    }
