"""Sources that load Solana and Jito data into the warehouse's raw schemas."""

import logging

# httpx logs every request at INFO with its full URL, and provider URLs carry API keys: keep
# those loggers quiet whatever level the host application (Dagster, pytest) sets.
for _name in ("httpx", "httpx2", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)
