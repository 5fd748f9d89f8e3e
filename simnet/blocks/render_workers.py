"""Full blocks rendered in forked copies of simnet, so that a served simnet uses every core.

Building and encoding a full block is pure Python (~44 ms a mainnet block) and simnet serves
from one process, so one core renders while a loader on the other core waits for it. Workers
forked after the cluster is built hold the same cluster, and a block is a function of the seed
and its slot alone, so a worker answers with the very bytes the server would have. Blocks go to
a worker by their market chunk (simnet/dex/tape.py): each chunk's market is simulated by one
worker only, as it would be by the one process. What is counted per request (faults, the
unavailable-block draws) stays in the serving process, which decides before it asks a worker.

A worker exits when its pipe closes: when the server stops, or when the server's process dies.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

Render = Callable[[Any], bytes]


class RenderWorkers:
    """`count` forked processes, each answering `render(request)` for the requests routed to it."""

    def __init__(self, render: Render, count: int) -> None:
        self._workers: list[tuple[int, Connection, threading.Lock]] = []
        for _ in range(count):
            ours, theirs = socket.socketpair()
            pid = os.fork()
            if pid == 0:  # the worker: serve until the server closes its end, then leave
                ours.close()
                # The earlier workers' server ends came along with the fork: held open here,
                # they would keep those workers from ever seeing their pipe close.
                for _, earlier, _ in self._workers:
                    earlier.close()
                _serve(Connection(theirs.detach()), render)
                os._exit(0)
            theirs.close()
            self._workers.append((pid, Connection(ours.detach()), threading.Lock()))

    def __len__(self) -> int:
        return len(self._workers)

    def render(self, route: int, request: Any) -> bytes:
        """The worker `route` picks (mod the count) renders the request; its error is raised."""
        _, conn, lock = self._workers[route % len(self._workers)]
        with lock:
            conn.send(request)
            ok, value = conn.recv()
        if not ok:
            raise value
        return value

    def close(self) -> None:
        for pid, conn, lock in self._workers:
            with lock:
                conn.close()
            os.waitpid(pid, 0)
        self._workers = []


def _serve(conn: Connection, render: Render) -> None:
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[bool, Any] = (True, render(request))
        except Exception as exc:  # the server raises it as its own (an RpcError to answer)
            answer = (False, exc)
        conn.send(answer)
