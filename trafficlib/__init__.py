"""trafficlib: the traffic manager's notebook kit.

Canonical tables (:mod:`trafficlib.schema`) are read by :mod:`trafficlib.sources`,
analysed by the analysis modules (audit, attribution, campaigns, competitors) and
rendered by the notebooks in ``notebooks/`` through :mod:`trafficlib.report`.
"""
from trafficlib.errors import TrafficDataError

__version__ = "0.1.0"
__all__ = ["TrafficDataError", "__version__"]
