"""The dashboard's five pages, one module each: each reads the marts it names (the
exposures in models/marts/_marts__exposures.yml list them)."""

from loyalty_warehouse.dashboard.pages.loyalty import loyalty
from loyalty_warehouse.dashboard.pages.overview import overview
from loyalty_warehouse.dashboard.pages.retention import retention
from loyalty_warehouse.dashboard.pages.value import value
from loyalty_warehouse.dashboard.pages.voice import voice

__all__ = ["loyalty", "overview", "retention", "value", "voice"]
