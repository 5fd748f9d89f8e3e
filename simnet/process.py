"""simnet served from a child process, so that it and its client do not share one GIL."""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event
from typing import Any

START_TIMEOUT_S = 120


def _serve(profile: str, seed: int, options: dict[str, Any], conn: Connection, stop: Event) -> None:
    from simnet.server import start_simnet

    # This process runs nothing else yet: it may fork a full-block renderer per core.
    options.setdefault("render_workers", os.cpu_count() or 1)
    with start_simnet(profile, seed=seed, **options) as handle:
        conn.send(handle.url)
        stop.wait()


@contextmanager
def simnet_process(profile: str = "demo", seed: int = 0, **options: Any) -> Iterator[str]:
    """Serve a profile from a child process on a free loopback port; yield its URL.

    `options` are start_simnet's (faults, host, profile overrides). The child stops on exit.
    """
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    stop = ctx.Event()
    proc = ctx.Process(target=_serve, args=(profile, seed, options, child, stop), daemon=True)
    proc.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not parent.poll(0.2):
            if not proc.is_alive():
                raise RuntimeError(f"simnet {profile} exited ({proc.exitcode}); its error is above")
            if time.monotonic() > deadline:
                raise RuntimeError(f"simnet {profile} did not start within {START_TIMEOUT_S} s")
        yield str(parent.recv())
    finally:
        stop.set()
        proc.join(10)
        if proc.is_alive():
            proc.kill()
