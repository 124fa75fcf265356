"""Employers, representatives, pledges, job roles, hires and progress reports (issue 6)."""
