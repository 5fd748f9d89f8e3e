import pytest

from orchestration.settings import ConfigError, load_settings, parse_epochs


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


def test_settings_validate_numbers(monkeypatch):
    monkeypatch.setenv("MEVHOUSE_RPC_MAX_RPS", "fast")
    with pytest.raises(ConfigError, match="MEVHOUSE_RPC_MAX_RPS"):
        load_settings()
    monkeypatch.setenv("MEVHOUSE_RPC_MAX_RPS", "2.5")
    assert load_settings().rpc_max_rps == 2.5


@pytest.mark.parametrize(("raw", "share"), [("0", 0.0), ("0.05", 0.05), ("1", 1.0), ("", None)])
def test_tx_sample_is_a_share(monkeypatch, raw, share):
    monkeypatch.setenv("MEVHOUSE_TX_SAMPLE", raw)
    assert load_settings().tx_sample == share


@pytest.mark.parametrize("raw", ["1.5", "-0.1", "all"])
def test_tx_sample_outside_zero_to_one_is_refused(monkeypatch, raw):
    monkeypatch.setenv("MEVHOUSE_TX_SAMPLE", raw)
    with pytest.raises(ConfigError, match="from 0 to 1"):
        load_settings()
