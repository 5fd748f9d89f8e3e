"""JSON-RPC error codes and the exception handlers raise to answer with one."""

from __future__ import annotations

from typing import Any

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
# Solana's custom codes (agave rpc/src/custom_error.rs).
BLOCK_NOT_AVAILABLE = -32004
SLOT_SKIPPED = -32007
LONG_TERM_STORAGE_SLOT_SKIPPED = -32009
UNSUPPORTED_TRANSACTION_VERSION = -32015
MIN_CONTEXT_SLOT_NOT_REACHED = -32016


class RpcError(Exception):
    """An error answered as a JSON-RPC error object."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def __reduce__(self) -> tuple[type[RpcError], tuple[int, str, Any]]:
        # Pickled whole: a block render worker sends its error back to the server.
        return (type(self), (self.code, self.message, self.data))

    def to_json(self) -> dict[str, Any]:
        """Return the error object as mainnet's RPC spells it."""
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            body["data"] = self.data
        return body


def invalid_params(message: str) -> RpcError:
    """Return an invalid-params error with mainnet's wording left to the caller."""
    return RpcError(INVALID_PARAMS, message)
