"""dbt-duckdb plugin: import the CLV model's libraries before dbt starts its threads.

dbt runs the models on several threads that share one interpreter. A dbt Python model
that imports pandas, SciPy and pyarrow on a worker thread does thousands of small file
reads, and after each one it waits for the other thread, busy compiling and running
tests, to hand back the interpreter lock (the "convoy effect"): a one-second import took
ten seconds inside `dbt build` at any data size. Importing them here, when dbt opens its
first connection on the main thread, makes the Python models cost what their own work
costs. Registered in profiles.yml under `plugins`.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin

import loyalty_warehouse.clv_tables  # noqa: F401  (the import is the point)


class Plugin(BasePlugin):
    """Does nothing per connection; importing this module is its whole effect."""
