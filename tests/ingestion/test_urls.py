"""Credentials in URLs are found by their shape and never printed."""

import pytest

from ingestion.urls import redact_text, redact_url, url_secrets, without_password


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("postgresql://loader:hunter2hunter2@db:5432/w", "hunter2hunter2"),
        ("https://mainnet.helius-rpc.com/?api-key=0123456789abcdef", "0123456789abcdef"),
        (
            "https://solana-mainnet.g.alchemy.com/v2/AbCdEfGhIjKlMnOpQrStUvWx",
            "AbCdEfGhIjKlMnOpQrStUvWx",
        ),
        # Parameter names that say nothing about a secret (the probe of issue 21).
        ("https://rpc.example.com/?auth=Zx81kq&sig=9aF3e2", "Zx81kq"),
        ("https://rpc.example.com/?auth=Zx81kq&sig=9aF3e2", "9aF3e2"),
        # A short key as a path segment, and one as the bare userinfo.
        ("https://rpc.example.com/solana/k3y9x2/", "k3y9x2"),
        ("https://Tok3nTok3n@rpc.example.com/", "Tok3nTok3n"),
        ("https://u:p%40ss%2Fword@rpc.example.com/", "p@ss/word"),
    ],
)
def test_secrets_are_masked_by_shape_and_the_host_stays(url, secret):
    safe = redact_url(url)
    assert secret not in safe and "***" in safe
    assert "rpc.example.com" in safe or "helius" in safe or "alchemy" in safe or "@db:" in safe
    assert secret in url_secrets(url)
    told = f"failed to reach {url} (and again {secret})"
    assert secret not in redact_text(told, url)
    # Any URL in a message is redacted by shape, even when nobody said it was a secret.
    assert secret not in redact_text(f"failed to reach {url}")


def test_words_and_versions_in_paths_stay_readable():
    url = "https://kobe.mainnet.jito.network/api/v1/validator_rewards"
    assert redact_url(url) == url
    assert redact_url("http://127.0.0.1:8899") == "http://127.0.0.1:8899"


def test_a_malformed_url_is_masked_whole():
    assert redact_url("http://host:s3cret-not-a-port/") == "***"


def test_without_password_moves_it_out_of_the_url():
    url, password = without_password("postgresql://me:p%40ss@h:5432/db?sslmode=require")
    assert (url, password) == ("postgresql://me@h:5432/db?sslmode=require", "p@ss")
    url, password = without_password("postgresql://me@h/db?password=qs-pw&sslmode=require")
    assert (url, password) == ("postgresql://me@h/db?sslmode=require", "qs-pw")
