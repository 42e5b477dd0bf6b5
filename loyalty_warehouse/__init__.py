"""loyalty-warehouse: the Python around the dbt project.

`loyalty_warehouse.generate` writes the demo raw data; `loyalty_warehouse.contract`
describes the raw-data contract that staging enforces; `loyalty_warehouse.cli` is the
`loyalty` command.
"""

__version__ = "0.1.0"
