"""Jito's kobe API: the dlt source `jito` and its HTTP client."""

from ingestion.jito.client import JitoApi, JitoApiError
from ingestion.jito.source import PUBLIC_KOBE_URL, JitoConfig, jito_source, make_source

__all__ = [
    "PUBLIC_KOBE_URL",
    "JitoApi",
    "JitoApiError",
    "JitoConfig",
    "jito_source",
    "make_source",
]
