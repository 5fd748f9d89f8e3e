"""JSON-RPC 2.0 over a request body: parsing, batches, dispatch and mainnet-shaped envelopes."""

from __future__ import annotations

import json
import logging
from typing import Any

from simnet.cluster import Cluster
from simnet.errors import INTERNAL_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, RpcError
from simnet.methods import Handler, registry

log = logging.getLogger(__name__)
_MISSING = object()


def _dumps(value: Any) -> str:
    # The RPC serialises results through serde_json::Value, whose maps come out sorted by key.
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _result(result: Any, request_id: Any) -> bytes:
    return f'{{"jsonrpc":"2.0","result":{_dumps(result)},"id":{_dumps(request_id)}}}'.encode()


def _error(error: RpcError, request_id: Any) -> bytes:
    body = json.dumps(error.to_json(), separators=(",", ":"))
    return f'{{"jsonrpc":"2.0","error":{body},"id":{_dumps(request_id)}}}'.encode()


def _valid_id(value: Any) -> bool:
    return (
        value is None
        or isinstance(value, str)
        or (isinstance(value, int) and not isinstance(value, bool))
    )


class Dispatcher:
    """Answer JSON-RPC request bodies for one cluster."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.methods: dict[str, Handler] = registry()

    def handle(self, body: bytes) -> bytes | None:
        """Return the response body for a request body (None when only notifications came)."""
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _error(RpcError(PARSE_ERROR, "Parse error"), None)
        if not isinstance(payload, list):
            return self.call(payload)
        if not payload:
            return _error(RpcError(INVALID_REQUEST, "Invalid request"), None)
        answers = [a for a in (self.call(item) for item in payload) if a is not None]
        return b"[" + b",".join(answers) + b"]" if answers else None

    def call(self, request: Any) -> bytes | None:
        """Answer one request object (None for a notification, which has no id)."""
        if not isinstance(request, dict):
            return _error(RpcError(INVALID_REQUEST, "Invalid request"), None)
        request_id = request.get("id", _MISSING)
        method = request.get("method")
        if (
            request.get("jsonrpc") != "2.0"
            or not isinstance(method, str)
            or (request_id is not _MISSING and not _valid_id(request_id))
        ):
            safe_id = request_id if request_id is not _MISSING and _valid_id(request_id) else None
            return _error(RpcError(INVALID_REQUEST, "Invalid request"), safe_id)
        answer_id = None if request_id is _MISSING else request_id
        try:
            handler = self.methods.get(method)
            if handler is None:
                raise RpcError(METHOD_NOT_FOUND, "Method not found")
            answer = _result(handler(self.cluster, request.get("params")), answer_id)
        except RpcError as exc:
            answer = _error(exc, answer_id)
        except Exception:
            log.exception("simnet: %s failed", method)
            answer = _error(RpcError(INTERNAL_ERROR, "Internal error"), answer_id)
        return None if request_id is _MISSING else answer
