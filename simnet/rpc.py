"""JSON-RPC 2.0 over a request body: parsing, batches, dispatch and mainnet-shaped envelopes."""

from __future__ import annotations

import json
import logging
from typing import Any

import orjson

from simnet.blocks.encode import dumps
from simnet.cluster import Cluster
from simnet.errors import INTERNAL_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, RpcError
from simnet.methods import Handler, registry

log = logging.getLogger(__name__)
_MISSING = object()


def _result(result: Any, request_id: Any) -> bytes:
    return b'{"jsonrpc":"2.0","result":' + dumps(result) + b',"id":' + dumps(request_id) + b"}"


def _error(error: RpcError, request_id: Any) -> bytes:
    body = orjson.dumps(error.to_json())
    return b'{"jsonrpc":"2.0","error":' + body + b',"id":' + dumps(request_id) + b"}"


def _valid_id(value: Any) -> bool:
    # Numeric ids must fit 64 bits (agave's are u64), which is also all orjson writes.
    return (
        value is None
        or isinstance(value, str)
        or (isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**64)
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
