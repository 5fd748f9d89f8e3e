"""Progress lines of long loads reach the terminal during `mevhouse run`, and only then."""

from __future__ import annotations

import io
import logging
import stat
from contextlib import redirect_stdout

from orchestration.run import PROGRESS_LOGGER, library_logs_to, new_run_log, progress_to


def test_progress_lines_reach_echo_only_inside_the_block() -> None:
    lines: list[str] = []
    logger = logging.getLogger(PROGRESS_LOGGER)
    with progress_to(lines.append):
        logger.info("blocks: %d/%d slots", 10, 40)
    logger.info("after the run")
    assert lines == ["      blocks: 10/40 slots"]


def test_progress_is_shown_while_stdout_goes_to_the_log() -> None:
    terminal, log = io.StringIO(), io.StringIO()

    def echo(line: str) -> None:
        print(line, file=terminal)

    with progress_to(echo), redirect_stdout(log):
        logging.getLogger(PROGRESS_LOGGER).info("blocks: 40/40 slots")
    assert "blocks: 40/40" in terminal.getvalue()
    assert "blocks" not in log.getvalue()


def test_a_library_error_during_a_run_goes_to_the_log_not_stderr(tmp_path, capsys) -> None:
    # What SQLAlchemy's pool logs when a SIGTERM lands while it closes a connection.
    path = new_run_log(tmp_path / "home")
    pool = logging.getLogger("sqlalchemy.pool.impl.NullPool")
    with library_logs_to(path):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            pool.error("Exception closing connection", exc_info=True)
    assert "Traceback" not in capsys.readouterr().err
    assert "Exception closing connection" in path.read_text()
    assert "Traceback" in path.read_text()
    assert pool.parent is not None and logging.getLogger("sqlalchemy").propagate


def test_run_logs_are_readable_by_their_owner_only(tmp_path) -> None:
    path = new_run_log(tmp_path / "home")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_retry_wait_reaches_the_terminal() -> None:
    from ingestion.retry import progress

    lines: list[str] = []
    with progress_to(lines.append):
        progress.info("waiting %.1fs: %s", 60.0, "getBlock answered HTTP 429")
    assert lines == ["      waiting 60.0s: getBlock answered HTTP 429"]
