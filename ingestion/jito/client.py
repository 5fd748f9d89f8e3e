"""A client for Jito's kobe API: JSON over HTTP, retried like the Solana RPC, secret-safe."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx2

from ingestion.retry import (
    DEFAULT_WAITS,
    RETRYABLE_HTTP,
    Retryable,
    WaitLimits,
    retry_after,
    with_retries,
)
from ingestion.urls import redact_text, redact_url


class JitoApiError(RuntimeError):
    """A kobe call failed for good; the message names the call and never the URL's secrets."""


class JitoApi:
    """One kobe base URL; use `async with` and `await api.post(route, payload, what=...)`."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 30.0,
        max_retries: int = 6,
        backoff: float = 0.5,
        limits: WaitLimits = DEFAULT_WAITS,
    ) -> None:
        self.url = url
        self.safe_url = redact_url(url)
        self.max_retries = max_retries
        self.backoff = backoff
        self.limits = limits
        self._client = httpx2.AsyncClient(timeout=timeout)

    async def __aenter__(self) -> JitoApi:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    def endpoint(self, route: str) -> str:
        """The route under the base URL, keeping the base's own path and query (an API key)."""
        parts = urlsplit(self.url)
        return urlunsplit(parts._replace(path=parts.path.rstrip("/") + route))

    async def post(self, route: str, payload: dict[str, Any], *, what: str) -> Any:
        """POST a JSON body; retry transient failures with exponential backoff and jitter."""
        return await with_retries(
            lambda: self._once(route, payload, what),
            what=what,
            where=self.safe_url,
            max_retries=self.max_retries,
            backoff=self.backoff,
            error=JitoApiError,
            limits=self.limits,
        )

    async def _once(self, route: str, payload: dict[str, Any], what: str) -> Any:
        try:
            response = await self._client.post(self.endpoint(route), json=payload)
        except httpx2.ConnectError:
            raise JitoApiError(
                f"cannot reach the Jito API at {self.safe_url} ({what}); check JITO_API_URL"
            ) from None
        except httpx2.TransportError as err:
            raise Retryable(type(err).__name__) from None
        status = response.status_code
        if status in RETRYABLE_HTTP:
            raise Retryable(f"HTTP {status}", retry_after(response))
        if status >= 400:
            text = redact_text(response.text[:200], self.url)
            raise JitoApiError(f"{what}: HTTP {status} from {self.safe_url}: {text}")
        try:
            return response.json()
        except ValueError as err:
            raise Retryable(f"invalid response body ({str(err)[:80]})") from None
