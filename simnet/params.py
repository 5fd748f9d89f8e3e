"""Positional and config-object parameter parsing with serde-like error messages."""

from __future__ import annotations

import json
from typing import Any

from solders.pubkey import Pubkey

from simnet.errors import invalid_params

COMMITMENTS = ("processed", "confirmed", "finalized")
_U64_MAX = 2**64 - 1


def _describe(value: Any) -> str:
    # serde's "invalid type" wording: what was found, as serde_json names it.
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean `{str(value).lower()}`"
    if isinstance(value, int):
        return f"integer `{value}`"
    if isinstance(value, float):
        return f"floating point `{value}`"
    if isinstance(value, str):
        return f"string {json.dumps(value)}"
    return "sequence" if isinstance(value, list) else "map"


def type_error(value: Any, expected: str) -> Exception:
    """Return the -32602 error for a value of the wrong JSON type."""
    return invalid_params(f"Invalid params: invalid type: {_describe(value)}, expected {expected}.")


def positional(params: Any, at_most: int) -> list[Any]:
    """Return params as a list padded with None to at_most entries."""
    if params is None:
        params = []
    if not isinstance(params, list):
        raise type_error(params, "a sequence")
    if len(params) > at_most:
        raise invalid_params(
            f"Invalid params: invalid length {len(params)}, expected at most {at_most} elements."
        )
    return params + [None] * (at_most - len(params))


def config(value: Any) -> dict[str, Any]:
    """Return a config object (absent means empty) and validate its commitment."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise type_error(value, "a map")
    commitment = value.get("commitment")
    if commitment is not None and not isinstance(commitment, str):
        raise type_error(commitment, "a string")
    if commitment is not None and commitment not in COMMITMENTS:
        raise invalid_params(
            f"Invalid params: unknown variant `{commitment}`, expected one of "
            + ", ".join(f"`{c}`" for c in COMMITMENTS)
            + "."
        )
    return value


def u64(value: Any) -> int:
    """Return an unsigned 64-bit integer parameter."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _U64_MAX:
        raise type_error(value, "u64")
    return value


def optional_u64(value: Any) -> int | None:
    """Return an optional unsigned 64-bit integer parameter."""
    return None if value is None else u64(value)


def boolean(value: Any) -> bool | None:
    """Return an optional boolean parameter."""
    if value is None or isinstance(value, bool):
        return value
    raise type_error(value, "a boolean")


def pubkey(value: Any) -> str | None:
    """Return an optional base58 public key, refused as agave's verify_pubkey does."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise type_error(value, "a string")
    try:
        Pubkey.from_string(value)
    except ValueError as exc:
        kind = "WrongSize" if "size" in str(exc) else "Invalid"
        raise invalid_params(f"Invalid param: {kind}") from None
    return value
