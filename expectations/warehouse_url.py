"""Warehouse URLs: the forms psycopg and SQLAlchemy want, and a form safe to print."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

_MASK = "***"


@dataclass(frozen=True)
class WarehouseUrl:
    libpq: str
    sqlalchemy: str
    redacted: str
    secrets: tuple[str, ...]

    def scrub(self, text: str) -> str:
        """Replace every secret in `text` with a mask."""
        for secret in self.secrets:
            text = text.replace(secret, _MASK)
        return text


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
    secrets = [parsed.password] if parsed.password else []
    query_password = parsed.query.get("password")
    redacted: URL = parsed
    if query_password:
        secrets.extend([query_password] if isinstance(query_password, str) else query_password)
        redacted = parsed.update_query_dict({"password": _MASK})
    return WarehouseUrl(
        libpq=parsed.set(drivername="postgresql").render_as_string(hide_password=False),
        sqlalchemy=parsed.set(
            drivername="postgresql+psycopg",
            # GX insists on a host; a socket URL's `?host=/dir` still wins over this one.
            host=parsed.host or "localhost",
        ).render_as_string(hide_password=False),
        redacted=redacted.set(drivername="postgresql").render_as_string(hide_password=True),
        secrets=tuple(sorted((str(s) for s in secrets if s), key=len, reverse=True)),
    )
