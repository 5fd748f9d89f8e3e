"""Fixtures: a demo simnet on a free loopback port for the session, and a caller for it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from simnet_http import call_json

from simnet.server import SimnetHandle, start_simnet


@pytest.fixture(scope="session")
def demo() -> Iterator[SimnetHandle]:
    """Serve the demo profile with seed 0 for the whole session."""
    with start_simnet("demo", seed=0) as handle:
        yield handle


@pytest.fixture(scope="session")
def call(demo: SimnetHandle) -> Callable[..., Any]:
    """Return a function that calls a method on the demo simnet and returns the parsed body."""

    def _call(method: str, params: Any = None) -> Any:
        return call_json(demo.url, method, params)

    return _call
