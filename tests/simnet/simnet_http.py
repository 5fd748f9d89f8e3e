"""A tiny JSON-RPC and route client over real HTTP for the simnet tests."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


def post_raw(url: str, body: bytes) -> bytes:
    """POST a body to simnet's JSON-RPC endpoint and return the response body."""
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return bytes(response.read())


def call_bytes(url: str, method: str, params: Any = None, request_id: int = 1) -> bytes:
    """Send one JSON-RPC call and return the raw response body."""
    payload: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id, "method": method}
    if params is not None:
        payload["params"] = params
    return post_raw(url, json.dumps(payload).encode())


def call_json(url: str, method: str, params: Any = None) -> Any:
    """Send one JSON-RPC call and return the parsed response."""
    return json.loads(call_bytes(url, method, params))


def get_json(url: str) -> tuple[int, Any]:
    """GET a simnet route and return (status, parsed body)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
