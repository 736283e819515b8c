"""The HTML report: one self-contained file of figures and tables, readable offline.

``offramp report`` and the dashboard's "download the report" both call
:func:`write_study_report` (a study of a scenario) or :func:`write_exploration_report`
(an exploration directory). Figures are matplotlib drawings embedded as SVG; the same
figures are written as PNG and SVG for papers when asked.
"""

from __future__ import annotations

from offramp.report.study_report import study_report, write_study_report

__all__ = ["study_report", "write_study_report"]
