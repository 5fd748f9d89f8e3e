"""simnet, the local test cluster, is a distribution of its own (`simnet/` in a checkout, installed
by `make install`): the warehouse's wheel runs without it against any RPC provider."""

from __future__ import annotations

import importlib
from types import ModuleType

from orchestration.settings import ConfigError


def simnet_module(name: str) -> ModuleType:
    """simnet's module `name` (e.g. "process"), or a ConfigError that says how to do without it."""
    try:
        return importlib.import_module(f"simnet.{name}")
    except ModuleNotFoundError as err:
        if err.name not in ("simnet", f"simnet.{name}"):
            raise
        raise ConfigError(
            "simnet is not installed: set SOLANA_RPC_URL and JITO_API_URL to your providers, "
            "or install it from a checkout with `make install` (or `pip install -e simnet`)"
        ) from None
