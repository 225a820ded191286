"""Readers: one module per source family (GA4, ad platforms, market data...).

:func:`trafficlib.sources.load` walks the registry of this package to recognise an
export from its headers and preamble.
"""
