"""The loyalty dashboard: a Streamlit app over the warehouse's marts, read-only.

Start it with `loyalty dashboard` (or `make dashboard`); `app.py` is the entry point,
`warehouse.py` reads the marts, `views/` draws the five pages (one module each) with
the chart helpers of `charts.py`.
"""
