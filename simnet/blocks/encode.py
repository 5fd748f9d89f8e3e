"""Render transactions and blocks as getBlock/getTransaction give them (json and jsonParsed)."""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

import orjson

from simnet.blocks.model import Instruction, TokenBalance, Transaction, b58encode
from simnet.blocks.tokens import token_balance_json


def dumps(value: Any) -> bytes:
    """Return the JSON of an RPC result, as every simnet answer writes it (keys sorted)."""
    # The RPC serialises results through serde_json::Value, whose maps come out sorted by key.
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


# Shared by every transaction of a response; json.dumps only reads them.
_OK: dict[str, Any] = {"Ok": None}
_NONE_LOADED: dict[str, list[str]] = {"readonly": [], "writable": []}


def _instruction(ix: Instruction, keys: tuple[str, ...], parsed: bool) -> dict[str, Any]:
    if not parsed:
        return {
            "accounts": list(ix.accounts),
            "data": b58encode(ix.data),
            "programIdIndex": ix.program_index,
            "stackHeight": ix.stack_height,
        }
    program_id = keys[ix.program_index]
    if ix.parsed is not None:
        name, body = ix.parsed
        return {
            "parsed": body,
            "program": name,
            "programId": program_id,
            "stackHeight": ix.stack_height,
        }
    return {
        "accounts": [keys[a] for a in ix.accounts],
        "data": b58encode(ix.data),
        "programId": program_id,
        "stackHeight": ix.stack_height,
    }


def _meta(tx: Transaction, parsed: bool, rewards: bool, details: str) -> dict[str, Any]:
    # Votes make up most of a block: keep their path free of empty comprehensions.
    meta: dict[str, Any] = {
        "err": tx.err,
        "fee": tx.fee,
        "postBalances": list(tx.post_balances),
        "postTokenBalances": _token_balances(tx.post_token_balances),
        "preBalances": list(tx.pre_balances),
        "preTokenBalances": _token_balances(tx.pre_token_balances),
        "status": _OK if tx.err is None else {"Err": tx.err},
    }
    if rewards:
        meta["rewards"] = []
    if details == "accounts":
        return meta
    meta["computeUnitsConsumed"] = tx.compute_units
    meta["innerInstructions"] = _inner(tx, parsed) if tx.inner_instructions else []
    meta["logMessages"] = list(tx.log_messages)
    if not parsed:
        # jsonParsed folds loaded addresses into accountKeys instead.
        meta["loadedAddresses"] = (
            {"readonly": list(tx.loaded_readonly), "writable": list(tx.loaded_writable)}
            if tx.lookups
            else _NONE_LOADED
        )
    if tx.return_data is not None:
        meta["returnData"] = {
            "data": [base64.b64encode(tx.return_data.data).decode(), "base64"],
            "programId": tx.return_data.program_id,
        }
    return meta


def _token_balances(balances: tuple[TokenBalance, ...]) -> list[dict[str, Any]]:
    return [token_balance_json(b) for b in balances] if balances else []


def _inner(tx: Transaction, parsed: bool) -> list[dict[str, Any]]:
    keys = tx.keys
    return [
        {
            "index": group.index,
            "instructions": [_instruction(ix, keys, parsed) for ix in group.instructions],
        }
        for group in tx.inner_instructions
    ]


def _parsed_keys(tx: Transaction) -> list[dict[str, Any]]:
    return _key_list(tx.keys, tx.header, len(tx.account_keys), len(tx.loaded_writable))


@lru_cache(maxsize=8_192)
def _key_list(
    keys: tuple[str, ...], header: tuple[int, int, int], static: int, loaded_writable: int
) -> list[dict[str, Any]]:
    # Cached: a validator's votes repeat the same keys in every block (the list is only read).
    signers, ro_signed, ro_unsigned = header
    return [
        {
            "pubkey": key,
            "signer": i < signers,
            "source": "transaction" if i < static else "lookupTable",
            "writable": (
                i < signers - ro_signed
                if i < signers
                else i < static - ro_unsigned
                if i < static
                else i < static + loaded_writable
            ),
        }
        for i, key in enumerate(keys)
    ]


def _lookups(tx: Transaction) -> list[dict[str, Any]] | None:
    if tx.version is None:
        return None
    return [
        {
            "accountKey": lookup.account_key,
            "readonlyIndexes": list(lookup.readonly_indexes),
            "writableIndexes": list(lookup.writable_indexes),
        }
        for lookup in tx.lookups
    ]


def _message(tx: Transaction, parsed: bool) -> dict[str, Any]:
    keys = tx.keys
    instructions = [_instruction(ix, keys, parsed) for ix in tx.instructions]
    if parsed:
        return {
            "accountKeys": _parsed_keys(tx),
            "addressTableLookups": _lookups(tx),
            "instructions": instructions,
            "recentBlockhash": tx.recent_blockhash,
        }
    message: dict[str, Any] = {
        "accountKeys": list(tx.account_keys),
        "header": {
            "numReadonlySignedAccounts": tx.header[1],
            "numReadonlyUnsignedAccounts": tx.header[2],
            "numRequiredSignatures": tx.header[0],
        },
        "instructions": instructions,
        "recentBlockhash": tx.recent_blockhash,
    }
    if tx.version is not None:
        message["addressTableLookups"] = _lookups(tx)
    return message


def encode_transaction(
    tx: Transaction, encoding: str, details: str, rewards: bool, versioned: bool
) -> dict[str, Any]:
    """Return one transaction with its meta for transactionDetails full or accounts."""
    parsed = encoding == "jsonParsed"
    if details == "accounts":
        body: dict[str, Any] = {"accountKeys": _parsed_keys(tx), "signatures": [tx.signature]}
    else:
        body = {"message": _message(tx, parsed), "signatures": [tx.signature]}
    out: dict[str, Any] = {"meta": _meta(tx, parsed, rewards, details), "transaction": body}
    if versioned:
        out["version"] = "legacy" if tx.version is None else tx.version
    return out
