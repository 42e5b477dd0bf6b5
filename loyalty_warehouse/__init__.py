"""loyalty-warehouse: the Python around the dbt project.

At the top: `contract` (the raw-data contract, as data), `paths` (where the warehouse
files are), `validate` (the Great Expectations checks), `dbt_plugin` (the dbt-duckdb
plugin). The folders: `cli` (the `loyalty` command), `generate` (the demo data), `clv`
(the CLV statistics), `publish` (the snapshot BI reads, PostgreSQL), `spark` (Spark
builds), `compare` (builds against builds), `dashboard` (Streamlit), `bench` (the
benchmark). docs/development.md draws the layout.
"""

__version__ = "0.1.0"
