"""Experiment analysis: results in (aggregates, per-unit rows or a question), a cited scorecard out.

Pure: reading and validating the data (``reading``), pulling results out of a question (``question``) and computing
the scorecard (``scorecard``) import only ``tools``. Storage and graph reads live above, in ``planner.analysis``.
"""
