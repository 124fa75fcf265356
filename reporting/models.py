"""Reporting reads every app and owns no tables of its own yet (issue 7)."""
