"""Calibration to the shipped data: opinion to the KIIS series, the front line to liveuamap.

``calibrate(scenario)`` returns the document ``offramp calibrate --json`` prints; the
pieces (``fit_opinion``, ``fit_territory``, ``simulate_opinion``) are in their modules.
See ``docs/calibration.md``.
"""
