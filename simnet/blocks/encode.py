"""Render transactions and blocks as getBlock/getTransaction give them (json and jsonParsed)."""

from __future__ import annotations

from typing import Any

from simnet.blocks.model import Transaction, b58encode

_EMPTY_LOADED: dict[str, list[str]] = {"readonly": [], "writable": []}


def _meta(tx: Transaction, parsed: bool, rewards: bool, details: str) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "err": None,
        "fee": tx.fee,
        "postBalances": list(tx.post_balances),
        "postTokenBalances": [],
        "preBalances": list(tx.pre_balances),
        "preTokenBalances": [],
        "status": {"Ok": None},
    }
    if rewards:
        meta["rewards"] = []
    if details == "accounts":
        return meta
    meta["computeUnitsConsumed"] = tx.compute_units
    meta["innerInstructions"] = []
    meta["logMessages"] = list(tx.log_messages)
    if not parsed:
        # jsonParsed folds loaded addresses into accountKeys instead.
        meta["loadedAddresses"] = _EMPTY_LOADED
    return meta


def _parsed_keys(tx: Transaction) -> list[dict[str, Any]]:
    signers = tx.header[0]
    return [
        {"pubkey": key, "signer": i < signers, "source": "transaction", "writable": tx.writable(i)}
        for i, key in enumerate(tx.account_keys)
    ]


def _message(tx: Transaction, parsed: bool) -> dict[str, Any]:
    keys = tx.account_keys
    if parsed:
        instructions: list[dict[str, Any]] = []
        for ix in tx.instructions:
            program_id = keys[ix.program_index]
            if ix.parsed is not None:
                name, body = ix.parsed
                instructions.append(
                    {"parsed": body, "program": name, "programId": program_id, "stackHeight": 1}
                )
            else:
                instructions.append(
                    {
                        "accounts": [keys[a] for a in ix.accounts],
                        "data": b58encode(ix.data),
                        "programId": program_id,
                        "stackHeight": 1,
                    }
                )
        return {
            "accountKeys": _parsed_keys(tx),
            "addressTableLookups": None if tx.version is None else [],
            "instructions": instructions,
            "recentBlockhash": tx.recent_blockhash,
        }
    message: dict[str, Any] = {
        "accountKeys": list(keys),
        "header": {
            "numReadonlySignedAccounts": tx.header[1],
            "numReadonlyUnsignedAccounts": tx.header[2],
            "numRequiredSignatures": tx.header[0],
        },
        "instructions": [
            {
                "accounts": list(ix.accounts),
                "data": b58encode(ix.data),
                "programIdIndex": ix.program_index,
                "stackHeight": 1,
            }
            for ix in tx.instructions
        ],
        "recentBlockhash": tx.recent_blockhash,
    }
    if tx.version is not None:
        message["addressTableLookups"] = []
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
