"""Programs, rounds, rules, the credential catalog and the budget ledger (issue 3 fills this)."""
