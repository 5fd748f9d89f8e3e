"""Warehouse URLs: the forms psycopg and SQLAlchemy want, and a form safe to print."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ingestion.urls import redact_text, redact_url


@dataclass(frozen=True)
class WarehouseUrl:
    libpq: str
    sqlalchemy: str
    redacted: str

    def scrub(self, text: str) -> str:
        """Mask the URL's credentials (and any URL) in `text`."""
        return redact_text(text, self.libpq)


def parse_warehouse_url(url: str) -> WarehouseUrl:
    """Parse a `postgresql://user:pass@host:port/db` URL (any postgres driver suffix)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError("the warehouse URL is not a postgresql://user:pass@host/db URL") from None
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise ValueError(
            f"the warehouse URL must be a PostgreSQL URL, not {parsed.get_backend_name()}://"
        )
    libpq = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    return WarehouseUrl(
        libpq=libpq,
        sqlalchemy=parsed.set(
            drivername="postgresql+psycopg",
            # GX insists on a host; a socket URL's `?host=/dir` still wins over this one.
            host=parsed.host or "localhost",
        ).render_as_string(hide_password=False),
        redacted=redact_url(libpq),
    )
