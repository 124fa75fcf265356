"""Real-browser journeys (Playwright + Debian's Chromium + axe-core). Run with `make e2e`."""
