"""Imports every reader module so each registers its readers (see registry.load)."""
from trafficlib.readers import canonical, ga4_bigquery, ga4_reports  # noqa: F401
