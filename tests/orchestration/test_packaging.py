"""Two distributions in one checkout: the warehouse's wheel (the root) and simnet's (simnet/)."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest
import setuptools

from orchestration.settings import ConfigError
from orchestration.simnet_source import simnet_module
from tests.orchestration.in_process import mevhouse_in_process

REPO = Path(__file__).resolve().parents[2]


def pyproject(path: Path) -> dict:
    return tomllib.loads(path.read_text())


def test_the_warehouse_wheel_holds_the_warehouse_only():
    include = pyproject(REPO / "pyproject.toml")["tool"]["setuptools"]["packages"]["find"]
    packages = setuptools.find_packages(REPO, include=include["include"])
    assert {"orchestration", "ingestion", "expectations"} <= set(packages)
    assert [p for p in packages if p.split(".")[0] == "simnet"] == []


def test_simnets_distribution_names_every_subpackage_on_disk():
    listed = pyproject(REPO / "simnet" / "pyproject.toml")["tool"]["setuptools"]["packages"]
    on_disk = {"simnet", *(f"simnet.{p}" for p in setuptools.find_packages(REPO / "simnet"))}
    assert set(listed) == on_disk


def test_without_simnet_the_default_source_says_what_to_set(monkeypatch):
    # As if only the warehouse's wheel were installed (and nothing of simnet imported yet).
    for name in ["simnet", *(m for m in sys.modules if m.startswith("simnet."))]:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ConfigError, match="SOLANA_RPC_URL"):
        simnet_module("process")
    served = mevhouse_in_process("simnet", "serve")
    assert served.returncode == 2
    assert served.stderr.startswith("mevhouse: error: simnet is not installed: set SOLANA_RPC_URL")
