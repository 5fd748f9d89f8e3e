"""The forked block renderers (simnet/blocks/render_workers.py): routing, errors, and exit."""

from __future__ import annotations

import os
import threading

import pytest

from simnet.blocks.render_workers import RenderWorkers
from simnet.errors import RpcError


def _render(request: int) -> bytes:
    if request < 0:
        raise RpcError(-32009, f"no block {request}", {"slot": request})
    return f"{request}:{os.getpid()}".encode()


def test_requests_go_to_their_worker_errors_come_back_and_close_ends_every_worker() -> None:
    workers = RenderWorkers(_render, 3)
    try:
        answers = {route: workers.render(route, route * 10).decode() for route in range(6)}
        assert {route: a.split(":")[0] for route, a in answers.items()} == {
            route: str(route * 10) for route in range(6)
        }
        pids = {route: a.split(":")[1] for route, a in answers.items()}
        # A route always reaches the same worker, and three routes three workers.
        assert pids[0] == pids[3] and pids[1] == pids[4] and pids[2] == pids[5]
        assert len({pids[0], pids[1], pids[2]}) == 3 and str(os.getpid()) not in pids.values()
        with pytest.raises(RpcError) as raised:
            workers.render(1, -5)
        assert (raised.value.code, raised.value.message, raised.value.data) == (
            -32009,
            "no block -5",
            {"slot": -5},
        )
        assert workers.render(1, 7).startswith(b"7:")  # the worker lives on after an error
    finally:
        # Each worker exits once its pipe closes; a worker still holding another's pipe would
        # keep that one (and close()) waiting for ever.
        closing = threading.Thread(target=workers.close, daemon=True)
        closing.start()
        closing.join(60)
        assert not closing.is_alive(), "a render worker did not exit when its pipe closed"
