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

# (the imports are the point) pandas, which pyarrow loads when it turns NaN into
# nulls; pyarrow.dataset, which dbt-duckdb loads to write a model's Arrow table; the
# CLV code with NumPy, SciPy and pyarrow. Nothing else is imported while models run.
import pandas  # noqa: F401
import pyarrow.dataset  # noqa: F401
from dbt.adapters.duckdb.plugins import BasePlugin

import loyalty_warehouse.clv.tables  # noqa: F401


class Plugin(BasePlugin):
    """Does nothing per connection; importing this module is its whole effect."""
