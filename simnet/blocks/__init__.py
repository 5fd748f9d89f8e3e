"""Lazily built blocks: per-slot economics, transaction producers and RPC encodings."""
