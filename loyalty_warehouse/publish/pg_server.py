"""A throwaway PostgreSQL server on 127.0.0.1 for the publish tests and the bench, from
Debian's postgresql package (`apt-get install postgresql`): a new data folder, trust
authentication on the loopback address only, stopped by its postmaster's pid.

    python3 loyalty_warehouse/publish/pg_server.py start FOLDER [PORT]   # prints its URL
    python3 loyalty_warehouse/publish/pg_server.py stop FOLDER

`.ci/run` starts one for `make test` and stops it on exit; the tests (and `loyalty
bench`) start their own when LOYALTY_TEST_POSTGRES (LOYALTY_BENCH_POSTGRES) does not
name one. Standard library only, and run by its path: `.ci/run` calls it with the
system's python3 before the virtual environment exists (`connect` imports the
ADBC driver when a test calls it).
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

USER = "postgres"


def binaries() -> Path | None:
    """The folder of Debian's initdb and postgres, newest version first."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(found[0]).parent if found else None


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the postgres user."""
    return ["runuser", "-u", USER, "--", *command] if os.geteuid() == 0 else command


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(folder: Path, port: int | None = None) -> str:
    """Create and start a server with its data in folder/data; its URL."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL server: apt-get install postgresql")
    port = port or free_port()
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "data"
    if os.geteuid() == 0:
        # the server user must own its folders, and reach them
        data = Path(tempfile.mkdtemp(prefix="loyalty-pg-"))
        shutil.chown(data, USER)
        (folder / "data_dir").write_text(str(data))
    subprocess.run(
        _as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "-A", "trust",
                         "--no-instructions", "-E", "UTF8"]),
        check=True, capture_output=True,
    )  # fmt: skip
    log = data / "server.log"
    subprocess.run(
        _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w",
                         "-o", f"-h 127.0.0.1 -p {port} -k {data}", "start"]),
        check=True, capture_output=True,
    )  # fmt: skip
    url = f"postgresql://{USER}@127.0.0.1:{port}/postgres"
    (folder / "url").write_text(url)
    return url


def _data_dir(folder: Path) -> Path:
    pointer = folder / "data_dir"
    return Path(pointer.read_text()) if pointer.exists() else folder / "data"


def stop(folder: Path, timeout: float = 30) -> None:
    """Stop the server of folder by its postmaster's pid (fast shutdown) and remove
    its data."""
    data = _data_dir(folder)
    pid_file = data / "postmaster.pid"
    if pid_file.exists():
        pid = int(pid_file.read_text().split()[0])
        try:
            os.kill(pid, signal.SIGINT)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                os.kill(pid, 0)
                time.sleep(0.1)
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if data != folder / "data":
        shutil.rmtree(data, ignore_errors=True)


def url_of(url: str, database: str | None = None, user: str | None = None) -> str:
    """The server URL url with another database and/or user."""
    base, current = url.rsplit("/", 1)
    if user:
        base = f"postgresql://{user}@{base.split('@', 1)[1]}"
    return f"{base}/{database or current}"


def connect(url: str):
    """An ADBC connection (the tests' client; imported here, so that the command line
    above needs only the standard library)."""
    import adbc_driver_postgresql.dbapi as pg

    return pg.connect(url)


def rows(conn, sql: str, params: tuple = ()) -> list[tuple]:
    """The rows of one statement on an ADBC connection."""
    cur = conn.cursor()
    cur.execute(sql, parameters=params or None)
    return cur.fetchall()


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("start", "stop"):
        sys.exit(__doc__)
    target = Path(sys.argv[2])
    if sys.argv[1] == "start":
        print(start(target, int(sys.argv[3]) if len(sys.argv) > 3 else None))
    else:
        stop(target)
