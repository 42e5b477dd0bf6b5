"""A local Spark cluster from the pinned pyspark package: a standalone Master, two
Workers (each in its own JVM, with its own cores and memory) and a Spark Connect
server attached to the Master, all on 127.0.0.1 (docs/spark.md).

Everything lives under one folder (LOYALTY_SPARK_DIR, default target/spark-cluster):
the pid file and log of every process, the Hive metastore and warehouse of the
Connect server (the cluster's driver), Spark's scratch files and the Workers' folders.
Nothing is downloaded: the Master and Worker classes and the Connect server's jar ship
in pyspark's package, started through its `bin/spark-class` and `bin/spark-submit`.

The executors run the Python of `executor-python/` in that folder: a virtual
environment that sees this environment's libraries (numpy, scipy, pyarrow, pandas,
pyspark) but not the project, as on a real cluster where the libraries are installed
and the project is not. The CLV code reaches the executors as a Spark Connect artifact
(loyalty_warehouse.spark.session).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DIR = "target/spark-cluster"
MASTER_PORT = 7077
CONNECT_PORT = 15002
WORKERS = 2
MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
CONNECT_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"
# in the environment of every process the cluster starts: how stop and status know them
CLUSTER_DIR_VAR = "LOYALTY_SPARK_CLUSTER_DIR"


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


@dataclass(frozen=True)
class Cluster:
    """The local cluster kept in one folder; its processes are named by pid files."""

    root: Path
    master_port: int = MASTER_PORT
    connect_port: int = CONNECT_PORT
    worker_cores: int = 1
    worker_memory: str = "4g"
    driver_memory: str = "4g"

    def __post_init__(self) -> None:
        # the processes run in the folder and are known by it: always an absolute path
        object.__setattr__(self, "root", Path(self.root).resolve())

    @classmethod
    def from_env(cls) -> Cluster:
        env = os.environ.get
        return cls(
            root=Path(env("LOYALTY_SPARK_DIR", DEFAULT_DIR)).resolve(),
            master_port=int(env("LOYALTY_SPARK_MASTER_PORT", str(MASTER_PORT))),
            connect_port=int(env("LOYALTY_SPARK_CONNECT_PORT", str(CONNECT_PORT))),
            worker_memory=env("LOYALTY_SPARK_WORKER_MEMORY", "4g"),
            driver_memory=env("LOYALTY_SPARK_DRIVER_MEMORY", "4g"),
        )

    @property
    def master_url(self) -> str:
        return f"spark://127.0.0.1:{self.master_port}"

    @property
    def remote(self) -> str:
        return f"sc://127.0.0.1:{self.connect_port}"

    @property
    def processes(self) -> list[str]:
        return ["master", *(f"worker-{i}" for i in range(1, WORKERS + 1)), "connect"]

    def pid_file(self, name: str) -> Path:
        return self.root / "run" / f"{name}.pid"

    def log_file(self, name: str) -> Path:
        return self.root / "logs" / f"{name}.log"

    def pid(self, name: str) -> int | None:
        """The pid of a process this folder started, if it still runs (a pid file whose
        process is gone, or is another program now, names nothing)."""
        try:
            pid = int(self.pid_file(name).read_text())
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except (OSError, ValueError):
            return None
        return pid if f"{CLUSTER_DIR_VAR}={self.root}".encode() in environ else None

    def running(self) -> dict[str, int | None]:
        return {name: self.pid(name) for name in self.processes}

    # -- starting ------------------------------------------------------------------

    def executor_python(self) -> Path:
        """A virtual environment for the executors' Python workers: this one's
        libraries on its path, the project's editable install left out."""
        folder = self.root / "executor-python"
        python = folder / "bin" / "python"
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)],
                           check=True)  # fmt: skip
            site = Path(sysconfig.get_paths(vars={"base": str(folder)})["purelib"])
            site.mkdir(parents=True, exist_ok=True)
            (site / "libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        return python

    def _command(self, name: str) -> list[str]:
        home = spark_home()
        if name == "master":
            return [str(home / "bin" / "spark-class"), MASTER_CLASS, "--host", "127.0.0.1",
                    "--port", str(self.master_port), "--webui-port", "0"]  # fmt: skip
        if name.startswith("worker-"):
            work = self.root / "work" / name
            work.mkdir(parents=True, exist_ok=True)
            return [str(home / "bin" / "spark-class"), WORKER_CLASS, "--host", "127.0.0.1",
                    "--cores", str(self.worker_cores), "--memory", self.worker_memory,
                    "--work-dir", str(work), "--webui-port", "0", self.master_url]  # fmt: skip
        conf = {
            "spark.connect.grpc.binding.address": "127.0.0.1",
            "spark.connect.grpc.binding.port": str(self.connect_port),
            "spark.sql.catalogImplementation": "hive",
            "spark.sql.warehouse.dir": str(self.root / "warehouse"),
            "spark.hadoop.javax.jdo.option.ConnectionURL":
                f"jdbc:derby:;databaseName={self.root / 'metastore_db'};create=true",
            "spark.driver.extraJavaOptions": f"-Dderby.system.home={self.root}",
            "spark.driver.memory": self.driver_memory,
            "spark.local.dir": str(self.root / "tmp"),
            "spark.executor.cores": str(self.worker_cores),
            "spark.executor.memory": self.worker_memory,
            "spark.cores.max": str(self.worker_cores * WORKERS),
            "spark.pyspark.python": str(self.executor_python()),
            "spark.sql.session.timeZone": "UTC",
            "spark.ui.enabled": "false",
            # what each job, stage and task did (time, shuffle bytes): `events/`
            "spark.eventLog.enabled": "true",
            "spark.eventLog.dir": str(self.root / "events"),
            # plain text, one file, written as events come: readable while it runs
            "spark.eventLog.compress": "false",
            "spark.eventLog.rolling.enabled": "false",
        }  # fmt: skip
        args = [f"--conf={key}={value}" for key, value in conf.items()]
        return [str(home / "bin" / "spark-submit"), "--class", CONNECT_CLASS,
                "--name", "loyalty-warehouse Spark Connect", "--master", self.master_url,
                *args, "spark-internal"]  # fmt: skip

    def _spawn(self, name: str) -> int:
        for folder in ("run", "logs", "tmp", "warehouse", "events"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_HOME": str(spark_home()),
               "SPARK_LOG_DIR": str(self.root / "logs"), "SPARK_PID_DIR": str(self.root / "run"),
               CLUSTER_DIR_VAR: str(self.root)}  # fmt: skip
        env.pop("SPARK_REMOTE", None)
        # the Connect server names the executors' Python for every Python function
        # from its own environment (spark.pyspark.python is set for the rest)
        env["PYSPARK_PYTHON"] = str(self.executor_python())
        with self.log_file(name).open("ab") as log:
            process = subprocess.Popen(
                self._command(name), stdout=log, stderr=subprocess.STDOUT, env=env,
                cwd=self.root, start_new_session=True,
            )  # fmt: skip
        self.pid_file(name).write_text(f"{process.pid}\n")
        return process.pid

    def _wait_for(self, name: str, text: str, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pid = int(self.pid_file(name).read_text())
        while time.monotonic() < deadline:
            # (by its pid alone: while spark-class execs java, /proc shows no environment)
            if pid not in _live_members(pid):
                raise RuntimeError(f"the {name} process ended; see {self.log_file(name)}")
            if self.log_file(name).read_text(errors="replace").count(text) >= count:
                return
            time.sleep(0.5)
        raise TimeoutError(f"the {name} did not log {text!r} in {timeout:.0f} s; "
                           f"see {self.log_file(name)}")  # fmt: skip

    def start(self, progress=print, timeout: float = 180) -> bool:
        """Start what is not running and wait until the cluster answers; False when it
        was running already."""
        running = self.running()
        if all(running.values()):
            return False
        if any(running.values()):
            raise RuntimeError(f"part of the cluster in {self.root} runs "
                               f"({', '.join(n for n, p in running.items() if p)}): "
                               "`loyalty spark-cluster stop` first")  # fmt: skip
        for port in (self.master_port, self.connect_port):
            if _port_open(port):
                raise RuntimeError(f"port {port} on 127.0.0.1 is in use by another program")
        for name in self.processes:
            self.log_file(name).unlink(missing_ok=True)
        started = time.monotonic()
        progress(f"starting the Master at {self.master_url}")
        self._spawn("master")
        self._wait_for("master", "I have been elected leader", 1, timeout)
        for name in self.processes[1:-1]:
            progress(f"starting {name} ({self.worker_cores} core, {self.worker_memory})")
            self._spawn(name)
        for name in self.processes[1:-1]:
            self._wait_for(name, "Successfully registered with master", 1, timeout)
        progress(f"starting the Spark Connect server at {self.remote}")
        self._spawn("connect")
        self._wait_for("connect", "Spark Connect server started", 1, timeout)
        self._wait_for("connect", "Registered executor", WORKERS, timeout)
        progress(f"the cluster answers at {self.remote} ({time.monotonic() - started:.0f} s)")
        return True

    # -- stopping ------------------------------------------------------------------

    def stop(self, timeout: float = 30) -> list[str]:
        """End the processes this folder started (each with the executors and Python
        workers of its process group), the Connect server first; their names."""
        stopped = []
        for name in reversed(self.processes):
            pid = self.pid(name)
            if pid is not None:
                _end_group(pid, timeout)
                stopped.append(name)
            self.pid_file(name).unlink(missing_ok=True)
        return stopped


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _end_group(pid: int, timeout: float) -> None:
    """SIGTERM to the process group a started process leads, SIGKILL if it stays."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _live_members(pid):
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _live_members(group: int) -> list[int]:
    """The processes of a process group that have not ended (zombies have)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members
