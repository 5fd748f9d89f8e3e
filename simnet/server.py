"""HTTP front of simnet: JSON-RPC on POST /, truth routes and /health, in a daemon thread."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import SplitResult, parse_qs, urlsplit

from simnet import kobe
from simnet.blocks.render_workers import RenderWorkers
from simnet.cluster import Cluster
from simnet.faults import FaultInjector
from simnet.faults import parse as parse_faults
from simnet.methods.blocks import render_full_block
from simnet.profiles import get_profile
from simnet.rpc import Dispatcher
from simnet.truth import epoch_truth, market_truth, validators_truth

KOBE_ROUTES = ("/api/v1/validators", "/api/v1/validator_rewards", "/api/v1/mev_rewards")
MARKET_TRUTH = {"/simnet/truth/swaps": "swaps", "/simnet/truth/mev": "mev"}


def _int_arg(value: Any) -> int | None:
    # kobe takes numbers as JSON integers or query-string digits.
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise ValueError(f"expected a non-negative integer, got {value!r}")


class _Handler(BaseHTTPRequestHandler):
    """One connection; keep-alive because every response carries a Content-Length."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, a keep-alive client's delayed ACK
    # stalls every response ~40 ms (bench/simnet_getblock.py measured 22 vs 714 blocks/s).
    disable_nagle_algorithm = True
    server_version = "simnet/0.1"
    dispatcher: Dispatcher  # set on the per-server subclass
    injector: FaultInjector  # likewise
    # A fault still to apply to this request's answer (truncate or invalid).
    _pending: str | None = None

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines on stderr would drown test and pipeline output.
        return

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        pending, self._pending = self._pending, None
        if pending == "invalid":
            body = body[: len(body) // 2] + b"}{\x00"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if pending == "truncate":
            # Promise the whole body, send half of it, hang up.
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return
        self.wfile.write(body)

    def _fault(self) -> bool:
        """Apply latency, the rate limit and faults; return True when the request is answered."""
        injector = self.injector
        spec = injector.spec
        if not spec.active:
            return False
        if spec.latency:
            time.sleep(spec.latency)
        kind, detail = injector.next()
        if injector.limited(self.client_address[0]) or kind == "429":
            body = b'{"jsonrpc":"2.0","error":{"code":429,"message":"Too many requests"},"id":null}'
            self.send_response(429)
            self.send_header("Retry-After", str(spec.retry_after))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return True
        if kind == "5xx":
            status = (500, 502, 503)[min(int(detail * 3), 2)]
            self._send(status, HTTPStatus(status).phrase.encode(), "text/plain")
            return True
        if kind in ("reset", "timeout"):
            if kind == "timeout":
                time.sleep(spec.hang)
            # Linger 0 makes the close a TCP reset rather than an orderly shutdown.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return True
        self._pending = kind
        return False

    def _send_json(self, status: int, value: Any) -> None:
        self._send(status, json.dumps(value, separators=(",", ":")).encode())

    def _kobe(self, url: SplitResult, body: bytes) -> None:
        # Jito's kobe API: query parameters, and for POST a JSON object, both may name the epoch.
        try:
            args: dict[str, Any] = {k: v[-1] for k, v in parse_qs(url.query).items()}
            if body.strip():
                posted = json.loads(body)
                if not isinstance(posted, dict):
                    raise ValueError("the body must be a JSON object")
                args.update(posted)
            numbers = {k: _int_arg(args.get(k)) for k in ("epoch", "page", "limit")}
            cluster = self.dispatcher.cluster
            if url.path == "/api/v1/validators":
                answer = kobe.validators(cluster, numbers["epoch"])
            elif url.path == "/api/v1/validator_rewards":
                answer = kobe.validator_rewards(
                    cluster, numbers["epoch"], numbers["page"] or 1, numbers["limit"] or 100
                )
            else:
                answer = kobe.mev_rewards(cluster, numbers["epoch"])
        except LookupError as exc:
            self._send_json(404, {"error": str(exc)})
        except ValueError as exc:
            self._send_json(400, {"error": str(exc)})
        else:
            self._send_json(200, answer)

    def _market_truth(self, url: SplitResult) -> None:
        # ?epoch=N, and optionally first_slot and last_slot to narrow it.
        args = {k: v[-1] for k, v in parse_qs(url.query).items()}
        epoch = args.get("epoch", "")
        bounds = [args.get(name) for name in ("first_slot", "last_slot")]
        if not epoch.isdigit() or any(v is not None and not v.isdigit() for v in bounds):
            self._send_json(400, {"error": "give ?epoch=N (and optionally first_slot, last_slot)"})
            return
        first, last = (None if v is None else int(v) for v in bounds)
        try:
            what = MARKET_TRUTH[url.path]
            answer = market_truth(self.dispatcher.cluster, what, int(epoch), first, last)
        except LookupError as exc:
            self._send_json(404, {"error": str(exc)})
        except ValueError as exc:
            self._send_json(400, {"error": str(exc)})
        else:
            self._send_json(200, answer)

    def _read_body(self) -> bytes | None:
        length_header = self.headers.get("Content-Length")
        if length_header is None or not length_header.isdigit():
            self.close_connection = True
            self._send(411, b"Content-Length required", "text/plain")
            return None
        length = int(length_header)
        if length > self.dispatcher.cluster.profile.max_request_bytes:
            # Like agave, refuse oversized bodies without reading them, then drop the connection.
            self.close_connection = True
            self._send(413, b"Payload Too Large", "text/plain")
            return None
        return self.rfile.read(length)

    def do_POST(self) -> None:
        """Answer a JSON-RPC request or batch on /, or a kobe API call."""
        url = urlsplit(self.path)
        if url.path != "/" and url.path not in KOBE_ROUTES:
            self._send_json(404, {"error": f"no route {self.path}"})
            return
        body = self._read_body()
        if body is None or self._fault():
            return
        if url.path in KOBE_ROUTES:
            self._kobe(url, body)
        else:
            self._send(200, self.dispatcher.handle(body) or b"")

    def do_GET(self) -> None:
        """Serve /health and the truth routes."""
        url = urlsplit(self.path)
        cluster = self.dispatcher.cluster
        if url.path == "/health":
            self._send(200, b"ok", "text/plain")
        elif url.path in KOBE_ROUTES:
            if not self._fault():
                self._kobe(url, b"")
        elif url.path == "/simnet/truth/validators":
            self._send_json(200, validators_truth(cluster))
        elif url.path == "/simnet/truth/epochs":
            values = parse_qs(url.query).get("epoch", [])
            if len(values) != 1 or not values[0].isdigit():
                self._send_json(400, {"error": "give one ?epoch=N"})
                return
            try:
                self._send_json(200, epoch_truth(cluster, int(values[0])))
            except LookupError as exc:
                self._send_json(404, {"error": str(exc)})
        elif url.path in MARKET_TRUTH:
            self._market_truth(url)
        else:
            self._send_json(404, {"error": f"no route {url.path}"})


class SimnetHandle:
    """A running simnet server; stop() it or use it as a context manager."""

    def __init__(self, server: ThreadingHTTPServer, cluster: Cluster) -> None:
        self.server = server
        self.cluster = cluster
        host, port = server.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        # A short poll interval keeps stop() quick; the default 0.5 s adds up across test servers.
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="simnet", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, close the listening socket and end the render workers."""
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()
        _close_workers(self.cluster)

    def __enter__(self) -> SimnetHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def make_server(
    profile: str = "demo",
    seed: int = 0,
    host: str = "127.0.0.1",
    port: int = 0,
    faults: str | None = None,
    render_workers: int = 0,
    **overrides: Any,
) -> tuple[ThreadingHTTPServer, Cluster]:
    """Build (without starting) the HTTP server for a profile, seed, fault spec and overrides.

    `render_workers` > 0 forks that many processes to render full blocks (render_workers.py):
    only from a process that runs no other threads yet, as simnet_process's child does."""
    if faults is not None:
        overrides["faults"] = faults
    cluster = Cluster(get_profile(profile, seed, **overrides))
    if render_workers > 0:
        cluster.blocks.workers = RenderWorkers(
            partial(render_full_block, cluster.blocks), render_workers
        )
    injector = FaultInjector(parse_faults(cluster.profile.faults), seed)
    handler = type(
        "SimnetHandler", (_Handler,), {"dispatcher": Dispatcher(cluster), "injector": injector}
    )
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server, cluster


def start_simnet(
    profile: str = "demo",
    seed: int = 0,
    host: str = "127.0.0.1",
    port: int = 0,
    faults: str | None = None,
    render_workers: int = 0,
    **overrides: Any,
) -> SimnetHandle:
    """Start simnet in a daemon thread (port 0 picks a free one) and return its handle."""
    return SimnetHandle(
        *make_server(profile, seed, host, port, faults, render_workers, **overrides)
    )


def _close_workers(cluster: Cluster) -> None:
    if cluster.blocks.workers is not None:
        cluster.blocks.workers.close()
        cluster.blocks.workers = None


def serve_forever(
    profile: str = "demo",
    seed: int = 0,
    host: str = "127.0.0.1",
    port: int = 8899,
    faults: str | None = None,
    **overrides: Any,
) -> None:
    """Serve simnet in the foreground until interrupted, after printing its URL."""
    server, cluster = make_server(profile, seed, host, port, faults, **overrides)
    bound_host, bound_port = server.server_address[:2]
    print(
        f"simnet {cluster.profile.name} (seed {seed}) listening on http://{bound_host!s}:{bound_port}",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        _close_workers(cluster)
