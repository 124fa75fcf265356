"""Demo data for `make demo` and the tests: accounts, programs, employers, applications, awards and
their history. Installed only where SKILLSFUND_DEMO_APP is on (by default, with DJANGO_DEBUG): never in
production, and no product module imports it (import-linter)."""
