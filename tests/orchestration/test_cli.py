"""The command line: help that explains itself, and one clear line on bad configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.orchestration.in_process import help_text, mevhouse_in_process

MEVHOUSE = str(Path(sys.executable).with_name("mevhouse"))


def mevhouse(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MEVHOUSE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], "Solana validator, MEV and DEX analytics"),
        (["run"], "closed epochs"),
        (["ui"], "dagster dev"),
        (["simnet"], "serve"),
        (["simnet", "serve"], "deterministic Solana cluster"),
        (["warehouse"], "start|stop|status|url|env|init|psql"),
    ],
)
def test_every_command_explains_itself(args, expected):
    assert expected in help_text(*args)


def test_the_installed_command_runs_main():
    result = mevhouse("--help")
    assert result.returncode == 0 and "Solana validator, MEV and DEX analytics" in result.stdout


def test_wrong_warehouse_url_is_one_clear_line(tmp_path):
    result = mevhouse_in_process(
        "run",
        env={
            "MEVHOUSE_WAREHOUSE_URL": "postgresql://me:topsecretpw@127.0.0.1:1/nowhere",
            "MEVHOUSE_HOME": str(tmp_path),
        },
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "cannot connect to the warehouse" in lines[0] and "MEVHOUSE_WAREHOUSE_URL" in lines[0]
    assert "topsecretpw" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_unreachable_rpc_is_one_clear_line(warehouse_url, tmp_path):
    result = mevhouse_in_process(
        "run",
        env={
            "MEVHOUSE_WAREHOUSE_URL": warehouse_url,
            "MEVHOUSE_HOME": str(tmp_path),
            "SOLANA_RPC_URL": "http://127.0.0.1:9/?api-key=ABCDEF123456",
        },
    )
    assert result.returncode == 2
    [last] = result.stderr.strip().splitlines()
    assert last.startswith("mevhouse: error: cannot reach the Solana RPC")
    assert "SOLANA_RPC_URL" in last
    assert "ABCDEF123456" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_warehouse_commands_manage_the_embedded_server(mevhouse_home):
    env = {"MEVHOUSE_HOME": str(mevhouse_home), "MEVHOUSE_WAREHOUSE_URL": ""}
    try:
        assert mevhouse("warehouse", "status", env=env).returncode == 3
        started = mevhouse("warehouse", "start", env=env)
        assert started.returncode == 0 and "running on 127.0.0.1:" in started.stdout
        url = mevhouse("warehouse", "url", env=env).stdout.strip()
        password = (mevhouse_home / "pg.password").read_text().strip()
        assert url.startswith(f"postgresql://postgres:{password}@127.0.0.1:")
        assert url.endswith("/mevhouse")
        assert mevhouse("warehouse", "init", env=env).returncode == 0
        query = mevhouse(
            "warehouse",
            "psql",
            "-Atc",
            "select count(*) from pg_namespace where nspname in ('raw_solana', 'marts')",
            env=env,
        )
        assert query.stdout.strip() == "2"
        # psql gets the password from its environment: its own command line holds none.
        argv = mevhouse("warehouse", "psql", "-c", r"\! tr '\0' ' ' < /proc/$PPID/cmdline", env=env)
        assert "psql" in argv.stdout and password not in argv.stdout
    finally:
        assert "stopped" in mevhouse("warehouse", "stop", env=env).stdout
    assert mevhouse("warehouse", "status", env=env).returncode == 3


@pytest.mark.parametrize(
    ("args", "env", "complaint"),
    [
        (["--epochs", "9-2"], {}, "runs backwards"),
        (["--epochs", "last:0"], {}, "selects nothing"),
        (["--epochs", "0-99999999"], {}, "too large"),
        ([], {"MEVHOUSE_RPC_MAX_RPS": "nan"}, "MEVHOUSE_RPC_MAX_RPS='nan' is out of range"),
        ([], {"SOLANA_RPC_URL": "ftp://x:pw-9z8y7x@h/"}, "SOLANA_RPC_URL="),
    ],
)
def test_bad_inputs_fail_in_one_line_before_any_server_starts(mevhouse_home, args, env, complaint):
    result = mevhouse(
        "run", *args, env={"MEVHOUSE_HOME": str(mevhouse_home), "MEVHOUSE_WAREHOUSE_URL": "", **env}
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("mevhouse: error: ") and complaint in line
    assert "pw-9z8y7x" not in result.stderr + result.stdout
    assert not mevhouse_home.exists()  # no warehouse was initialised, nothing was written
