"""The dashboard's five pages, one module each: each reads the marts it names (the
exposures in models/marts/_marts__exposures.yml list them). The folder is not called
pages/: Streamlit would serve the modules of such a folder as pages of their own, and
a link straight to /overview would open a blank one."""

from loyalty_warehouse.dashboard.views.loyalty import loyalty
from loyalty_warehouse.dashboard.views.overview import overview
from loyalty_warehouse.dashboard.views.retention import retention
from loyalty_warehouse.dashboard.views.value import value
from loyalty_warehouse.dashboard.views.voice import voice

__all__ = ["loyalty", "overview", "retention", "value", "voice"]
