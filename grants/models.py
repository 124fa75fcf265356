"""Applications, review, decisions, claims, payments and outcomes (issues 4 and 5)."""
