"""getAccountInfo and getMultipleAccounts: vote, validator-history and steward Config accounts."""

from __future__ import annotations

import base64
from typing import Any

from simnet import params
from simnet.accounts import Account, accounts
from simnet.cluster import Cluster
from simnet.errors import invalid_params
from simnet.methods.common import tip, with_context

# getMultipleAccounts' limit on keys (agave's MAX_MULTIPLE_ACCOUNTS).
MAX_MULTIPLE_ACCOUNTS = 100
# Agave refuses base58 for data over this many bytes.
MAX_BASE58_BYTES = 128


def _encode(account: Account | None, config: dict[str, Any]) -> dict[str, Any] | None:
    if account is None:
        return None
    encoding = config.get("encoding") or "base64"
    data = account.data
    if (slice_ := config.get("dataSlice")) is not None:
        if not isinstance(slice_, dict):
            raise params.type_error(slice_, "struct UiDataSliceConfig")
        offset = params.u64(slice_.get("offset"))
        data = data[offset : offset + params.u64(slice_.get("length"))]
    if encoding in ("base58", "binary") and len(data) > MAX_BASE58_BYTES:
        raise invalid_params(
            "Encoded binary (base 58) data should be less than 128 bytes, please use Base64 "
            "encoding."
        )
    if encoding != "base64":
        raise invalid_params(f"simnet serves account data as base64, not {encoding!r}")
    return {
        "data": [base64.b64encode(data).decode(), "base64"],
        "executable": False,
        "lamports": account.lamports,
        "owner": account.owner,
        "rentEpoch": 18_446_744_073_709_551_615,
        "space": len(account.data),
    }


def get_multiple_accounts(cluster: Cluster, raw: Any) -> dict[str, Any]:
    """Answer getMultipleAccounts: each address's account, or null where there is none."""
    keys_raw, cfg = params.positional(raw, 2)
    if not isinstance(keys_raw, list):
        raise params.type_error(keys_raw, "a sequence")
    if len(keys_raw) > MAX_MULTIPLE_ACCOUNTS:
        raise invalid_params(f"Too many inputs provided; max {MAX_MULTIPLE_ACCOUNTS}")
    addresses = [params.pubkey(k) or "" for k in keys_raw]
    config = params.config(cfg)
    slot = tip(cluster, config)
    return with_context(slot, [_encode(a, config) for a in accounts(cluster, addresses)])


def get_account_info(cluster: Cluster, raw: Any) -> dict[str, Any]:
    """Answer getAccountInfo for one address."""
    key, cfg = params.positional(raw, 2)
    address = params.pubkey(key)
    if address is None:
        raise invalid_params("Invalid params: missing pubkey.")
    config = params.config(cfg)
    slot = tip(cluster, config)
    return with_context(slot, _encode(accounts(cluster, [address])[0], config))


METHODS = {
    "getAccountInfo": get_account_info,
    "getMultipleAccounts": get_multiple_accounts,
}
