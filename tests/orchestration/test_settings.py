import pytest

from orchestration.settings import ConfigError, load_settings, parse_epoch_spec, parse_epochs


def test_parse_epochs_defaults_to_last_three_closed():
    assert parse_epochs(None, list(range(10))) == [7, 8, 9]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("last:1", [9]),
        ("4", [4]),
        ("2-4", [2, 3, 4]),
        ("1,3, 5", [1, 3, 5]),
        ("last:2,0", [0, 8, 9]),
    ],
)
def test_parse_epochs_forms(spec, expected):
    assert parse_epochs(spec, list(range(10))) == expected


def test_parse_epochs_rejects_open_and_garbage():
    with pytest.raises(ConfigError, match=r"not closed yet.*latest closed: 9"):
        parse_epochs("9-11", list(range(10)))
    with pytest.raises(ConfigError, match="not understood"):
        parse_epochs("yesterday", list(range(10)))


@pytest.mark.parametrize(
    ("spec", "complaint"),
    [
        ("9-2", "runs backwards; write it 2-9"),
        ("last:0", "selects nothing"),
        ("0-99999999", "too large"),
        ("1-1500", "too large"),
        ("\u0663", "not understood"),  # an Arabic-Indic three: a digit, but not an ASCII one
        ("last:", "not understood"),
        ("", "not understood"),
        ("4,", "not understood"),
    ],
)
def test_epoch_specs_are_refused_with_one_line(spec, complaint):
    with pytest.raises(ConfigError, match=complaint) as err:
        parse_epoch_spec(spec or ",")
    assert "\n" not in str(err.value)


def test_a_bad_epoch_spec_in_the_environment_fails_on_load(monkeypatch):
    monkeypatch.setenv("MEVHOUSE_EPOCHS", "9-2")
    with pytest.raises(ConfigError, match="backwards"):
        load_settings()


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("MEVHOUSE_RPC_MAX_RPS", "nan"),
        ("MEVHOUSE_RPC_MAX_RPS", "inf"),
        ("MEVHOUSE_RPC_MAX_RPS", "-1"),
        ("MEVHOUSE_RPC_CONCURRENCY", "0"),
        ("MEVHOUSE_RPC_CONCURRENCY", "100000"),
        ("MEVHOUSE_RETRY_AFTER_MAX", "inf"),
        ("MEVHOUSE_REQUEST_DEADLINE", "nan"),
        ("MEVHOUSE_RUN_DEADLINE", "-5"),
    ],
)
def test_numbers_must_be_finite_and_in_range(monkeypatch, name, raw):
    monkeypatch.setenv(name, raw)
    with pytest.raises(ConfigError, match=f"{name}=.*out of range"):
        load_settings()


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("SOLANA_RPC_URL", "ftp://rpc.example.com/"),
        ("SOLANA_RPC_URL", "rpc.example.com"),
        ("JITO_API_URL", "https://:443/"),
        ("MEVHOUSE_WAREHOUSE_URL", "mysql://u:pw-123456@h/db"),
        ("SOLANA_RPC_URL", "https://rpc.example.com:k3y9x2abc/"),
    ],
)
def test_urls_are_checked_on_load_without_printing_secrets(monkeypatch, name, raw):
    monkeypatch.setenv(name, raw)
    with pytest.raises(ConfigError, match=name) as err:
        load_settings()
    assert "pw-123456" not in str(err.value) and "k3y9x2abc" not in str(err.value)


def test_waits_are_configurable(monkeypatch):
    monkeypatch.setenv("MEVHOUSE_RETRY_AFTER_MAX", "5")
    monkeypatch.setenv("MEVHOUSE_REQUEST_DEADLINE", "90")
    waits = load_settings().waits
    assert (waits.max_wait, waits.deadline) == (5.0, 90.0)


def test_settings_validate_numbers(monkeypatch):
    monkeypatch.setenv("MEVHOUSE_RPC_MAX_RPS", "fast")
    with pytest.raises(ConfigError, match="MEVHOUSE_RPC_MAX_RPS"):
        load_settings()
    monkeypatch.setenv("MEVHOUSE_RPC_MAX_RPS", "2.5")
    assert load_settings().rpc_max_rps == 2.5


@pytest.mark.parametrize(("raw", "share"), [("0", 0.0), ("0.05", 0.05), ("1", 1.0), ("", 0.01)])
def test_tx_sample_is_a_share(monkeypatch, raw, share):
    monkeypatch.setenv("MEVHOUSE_TX_SAMPLE", raw)
    assert load_settings().tx_sample == share


@pytest.mark.parametrize("raw", ["1.5", "-0.1", "all"])
def test_tx_sample_outside_zero_to_one_is_refused(monkeypatch, raw):
    monkeypatch.setenv("MEVHOUSE_TX_SAMPLE", raw)
    with pytest.raises(ConfigError, match="from 0 to 1"):
        load_settings()
