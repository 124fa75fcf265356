"""The figures of a `make fuzz` run: per role, the cases fuzzed, the operations they reached and the answers
they got, from the tally file the fuzz tests append to (tests/fuzzing.py, SKILLSFUND_FUZZ_TALLY).

    .venv/bin/python benchmarks/fuzz_tally.py var/fuzz/tally.tsv

A case that failed a check is counted under "failed a check"; the pytest output names the finding."""

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tally", type=Path)
    args = parser.parse_args()
    cases: Counter[str] = Counter()
    operations: dict[str, set[str]] = defaultdict(set)
    answers: dict[str, Counter[str]] = defaultdict(Counter)
    for line in args.tally.read_text(encoding="utf-8").splitlines():
        role, operation, answer = line.split("\t")
        cases[role] += 1
        operations[role].add(operation)
        answers[role][answer] += 1
    classes = sorted({answer for counts in answers.values() for answer in counts})
    print("| role | cases | operations | " + " | ".join(classes) + " |")
    print("|---|---:|---:|" + "---:|" * len(classes))
    for role in sorted(cases):
        row = [f"{answers[role][answer]:,}" for answer in classes]
        print(f"| {role} | {cases[role]:,} | {len(operations[role])} | " + " | ".join(row) + " |")
    total = [f"{sum(answers[r][a] for r in cases):,}" for a in classes]
    print(f"| all | {sum(cases.values()):,} | | " + " | ".join(total) + " |")
    return 1 if any(answers[role]["failed a check"] for role in cases) else 0


if __name__ == "__main__":
    sys.exit(main())
