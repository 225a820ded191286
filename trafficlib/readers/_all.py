"""Imports every reader module so each registers its readers (see registry.load)."""
from trafficlib.readers import canonical, ga4_bigquery, ga4_reports  # noqa: F401
from trafficlib.readers import search_console  # noqa: F401
from trafficlib.readers import google_ads, google_ads_negatives, meta, microsoft  # noqa: F401
from trafficlib.readers import linkedin, tiktok  # noqa: F401
from trafficlib.readers import daily, ga4_flat, ua  # noqa: F401
from trafficlib.readers import market  # noqa: F401
from trafficlib.readers import crm  # noqa: F401
