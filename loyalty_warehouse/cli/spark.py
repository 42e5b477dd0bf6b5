"""`loyalty spark-cluster start|stop|status`: the local Spark cluster (docs/spark.md)."""

from __future__ import annotations

import typer

from loyalty_warehouse.cli import app, console


@app.command("spark-cluster")
def spark_cluster(
    action: str = typer.Argument(..., help="start, stop or status."),
) -> None:
    """Start, stop or show the local Spark cluster (docs/spark.md).

    A standalone Master, two Workers and a Spark Connect server on 127.0.0.1, kept
    under LOYALTY_SPARK_DIR (default target/spark-cluster; LOYALTY_SPARK_WORKER_MEMORY
    and LOYALTY_SPARK_DRIVER_MEMORY, 4g each). Build on it with `loyalty build
    --target spark_connect`; `status` exits 3 when a process is not running."""
    from loyalty_warehouse.spark.cluster import Cluster

    cluster = Cluster.from_env()
    if action == "start":
        try:
            started = cluster.start(progress=lambda line: console.print(line))
        except (RuntimeError, TimeoutError) as error:
            console.print(f"[red]{error}")
            cluster.stop()
            raise typer.Exit(1) from None
        if not started:
            # (echo, not the console: a long folder must not wrap the line)
            typer.echo(f"The cluster of {cluster.root} is running already.", err=True)
        typer.echo(f"Spark Connect: {cluster.remote}  (files under {cluster.root})")
    elif action == "stop":
        stopped = cluster.stop()
        typer.echo(f"stopped: {', '.join(stopped)}" if stopped else "nothing was running", err=True)
    elif action == "status":
        running = cluster.running()
        for name, pid in running.items():
            typer.echo(f"{name}: " + (f"running, pid {pid}" if pid else "not running"))
        if all(running.values()):
            typer.echo(f"Spark Connect: {cluster.remote}  (files under {cluster.root})")
        raise typer.Exit(0 if all(running.values()) else 3)
    else:
        console.print(f"[red]spark-cluster takes start, stop or status, not {action!r}")
        raise typer.Exit(2)
