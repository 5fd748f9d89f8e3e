"""URLs that may carry credentials: a form safe to print, and the secrets to scrub from text.

Secrets are found by shape, not by parameter name: providers put keys in the userinfo, in any
query parameter (`?api-key=`, `?auth=`, `?sig=`) or as a path segment (`/v2/<key>`). Every place
that prints, logs or stores a URL or an error about one goes through this module.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

MASK = "***"
# Path segments that are words or versions (`api`, `v1`, `mev_rewards`) stay; a segment with
# both letters and digits, or a long one, is treated as a key.
_WORDLIKE = re.compile(r"[A-Za-z_.\-]+|v?\d{1,4}(?:\.\d+)*")
_URL_IN_TEXT = re.compile(r"\b[a-z][a-z0-9+.\-]*://[^\s'\"<>]+", re.IGNORECASE)


def _is_key_segment(segment: str) -> bool:
    segment = unquote(segment)
    if len(segment) >= 24:
        return True
    return len(segment) >= 6 and not _WORDLIKE.fullmatch(segment)


def redact_url(url: str) -> str:
    """The URL with its userinfo secret, every query value and key-like path segments masked."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port, which might itself be a secret
    except ValueError:
        return MASK
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        # A password hides behind the user's name; a bare userinfo is often the key itself.
        netloc = (
            f"{userinfo.split(':', 1)[0]}:{MASK}@{host}" if ":" in userinfo else f"{MASK}@{host}"
        )
    path = "/".join(MASK if _is_key_segment(s) else s for s in parts.path.split("/"))
    query = urlencode([(k, MASK) for k, _ in parse_qsl(parts.query, keep_blank_values=True)])
    return urlunsplit((parts.scheme, netloc, path, query.replace("%2A", "*"), ""))


def url_secrets(url: str) -> list[str]:
    """The credentials in a URL, raw and percent-decoded, longest first."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return [url]
    found = []
    if "@" in parts.netloc:
        userinfo = parts.netloc.rsplit("@", 1)[0]
        found += userinfo.split(":", 1)[1:] if ":" in userinfo else [userinfo]
    found += [v for _, v in parse_qsl(parts.query, keep_blank_values=True)]
    found += [s for s in parts.path.split("/") if _is_key_segment(s)]
    found += [parts.fragment]
    variants = {form for s in found for form in (s, unquote(s), quote(unquote(s), safe=""))}
    # Very short values (`?page=2`) would mask unrelated text; they are not credentials.
    return sorted((s for s in variants if len(s) >= 4), key=len, reverse=True)


def redact_text(text: str, *urls: str | None) -> str:
    """Mask the given URLs and their credentials in free text, and any other URL by shape."""
    for url in urls:
        if not url:
            continue
        text = text.replace(url, redact_url(url))
        for secret in url_secrets(url):
            text = text.replace(secret, MASK)
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)


def without_password(url: str) -> tuple[str, str | None]:
    """Split a libpq URL into one without its password and the password (for PGPASSWORD)."""
    parts = urlsplit(url)
    password = unquote(parts.password) if parts.password is not None else None
    netloc = parts.netloc
    if password is not None:
        userinfo, host = netloc.rsplit("@", 1)
        netloc = f"{userinfo.split(':', 1)[0]}@{host}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"]
    if password is None:
        password = next((v for k, v in parse_qsl(parts.query) if k == "password"), None)
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), "")), password
