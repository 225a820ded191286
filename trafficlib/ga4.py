"""Moved to :mod:`trafficlib.readers.ga4` (readers are one package now); this name stays
importable and is the very same module object, private names included."""
import sys

from trafficlib.readers import ga4 as _moved

sys.modules[__name__] = _moved
