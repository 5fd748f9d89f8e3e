"""Helpers for the epoch-level and Jito source tests: real dlt loads, SQL reads, a replay server."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import dlt
import psycopg
from dlt.extract.source import DltSource

from orchestration.warehouse import dlt_credentials

# (path, parsed JSON body) -> (HTTP status, JSON answer)
Answer = Callable[[str, Any], tuple[int, Any]]


def load(source: DltSource, warehouse_url: str, dataset: str, pipelines_dir: Path) -> None:
    """Run a source through dlt into `dataset` of the warehouse, as the Dagster assets do."""
    pipeline = dlt.pipeline(
        pipeline_name=dataset,
        destination=dlt.destinations.postgres(credentials=dlt_credentials(warehouse_url)),
        dataset_name=dataset,
        pipelines_dir=str(pipelines_dir),
    )
    pipeline.run(source).raise_on_failed_jobs()


def query(warehouse_url: str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(warehouse_url) as conn:
        return conn.execute(sql, params).fetchall()


def table(warehouse_url: str, dataset: str, name: str) -> list[dict[str, Any]]:
    """Every row of a table without dlt's bookkeeping columns, in a stable order."""
    with psycopg.connect(warehouse_url) as conn, conn.cursor() as cur:
        cur.execute(f'select * from "{dataset}"."{name}"')
        columns = [c.name for c in cur.description or []]
        rows = [
            {c: v for c, v in zip(columns, row, strict=True) if not c.startswith("_dlt")}
            for row in cur.fetchall()
        ]
    return sorted(rows, key=lambda row: json.dumps(row, default=str, sort_keys=True))


def post_json(url: str, payload: Any) -> Any:
    request = urllib.request.Request(
        url, json.dumps(payload).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def rpc(url: str, method: str, *params: Any) -> Any:
    """One JSON-RPC call's result, asked directly (to cross-check what the source loaded)."""
    return post_json(url, {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})[
        "result"
    ]


@contextmanager
def replay_server(answer: Answer) -> Iterator[str]:
    """A local HTTP server that answers every POST from recorded data; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, value = answer(self.path, json.loads(body) if body else None)
            data = json.dumps(value).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
