#!/usr/bin/env python3
"""Checks every number of README.md and benchmarks/*.md: each is accounted for, and each accounting is true.

A number (digits not inside a word: 96.4, 0.998x, 4,096, 22 ms) must be one of
  (a) inside a generated table (numbers/tables.py): the region between `<!-- numbers: NAME ... -->` and
      `<!-- /numbers: NAME -->` must equal what generator NAME prints from benchmarks/results/* now;
  (b) inside the text of a claim (numbers/claims.py): a phrase computed from result files with the document's
      rounding (pct, whole, hundredths, f-strings), which the document must say;
  (c) not a measurement: code, link targets, dates, versions, settings... by a rule (numbers/rules.py) or a
      phrase of the allow-list with its reason (numbers/allow.py; a phrase that no longer occurs fails).
Any number not accounted for, any claim the document does not say and any stale region fails, naming the file,
the line and the number. Exit status 1 on any failure. Run by scripts/test.sh (counted as one test, after the
self-tests of numbers/selftest.py, counted as another).

HOW TO UPDATE A PUBLISHED NUMBER
  1. Commit the new result file under benchmarks/results/ (never edit a result file by hand).
  2. Point the claim or generator at it (usually one path constant, e.g. CUSTOMIZE_QUICK in numbers/claims.py).
  3. Tables: `scripts/check-numbers.py --write` regenerates every region. Prose: run the script; each failing
     claim prints the exact text it now expects; put that text in the document.
  4. A new sentence with a new measured number needs a new claim (copy one next to it); a new non-measurement
     (a setting, a count, a name) needs an allow-list phrase with its reason.

Usage: scripts/check-numbers.py [--write] [--list] [--why]
  --write  regenerate the generated tables in place, then check
  --list   print every claim's expected text
  --why    print how each number is accounted for
"""
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from numbers_check import allow, claims, claims_notes, claims_readme, claims_results, pending, tables  # noqa: E402,F401
from numbers_check.check import check  # noqa: E402
from numbers_check.scan import Document  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def documents():
    """README.md and benchmarks/*.md are checked in full; other documents claims name are checked for their claims."""
    full = ["README.md"] + sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "benchmarks", "*.md")))
    partial = sorted({doc for doc, *_ in claims.CLAIMS} - set(full))
    return full, partial


def main(argv):
    write, listing, why = "--write" in argv, "--list" in argv, "--why" in argv
    full, partial = documents()
    generators = {name: (lambda n=name: tables.render(n)) for name in tables.GENERATORS}
    failures, counted, debt, unfiled = [], 0, 0, 0
    for path in full + partial:
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            doc = Document(path, f.read())
        doc_claims = [(name, sources, compute) for d, name, sources, compute in claims.CLAIMS if d == path]
        doc_allow = [(phrase, reason) for d, phrase, reason in allow.ALLOW if d == path]
        if listing:
            for name, _, compute in doc_claims:
                for text in compute():
                    print(f"{path}: {name}: {' '.join(text.replace('**', '').split())}")
        doc_pending = [(opening, source) for d, opening, source in pending.PENDING if d == path]
        found, new_text = check(doc, doc_claims, doc_allow, generators, write, doc_pending)
        if new_text is not None:
            with open(os.path.join(ROOT, path), "w", encoding="utf-8") as f:
                f.write(new_text)
            print(f"check-numbers: regenerated the tables of {path}")
        if path in partial:
            found = [f for f in found if "is not accounted for" not in f]  # only its claims are checked
        else:
            counted += len(doc.numbers)
            debt += sum(why.startswith("PENDING") for why in doc.covered.values())
            unfiled += sum(why.startswith("allowed: UNFILED") for why in doc.covered.values())
            if why:
                for offset, number in doc.numbers:
                    line, column = doc.where(offset)
                    print(f"{path}:{line}:{column}: {number}: {doc.covered.get(offset, 'NOT ACCOUNTED FOR')}")
        failures += found
    for f in failures:
        print(f"check-numbers: FAIL {f}")
    print(f"check-numbers: {counted} numbers in {len(full)} documents, {len(claims.CLAIMS)} claims, "
          f"{len(tables.GENERATORS)} generated tables, {len(allow.ALLOW)} allow-list phrases; {debt} numbers on "
          f"{len(pending.PENDING)} lines PENDING a claim (numbers_check/pending.py); {unfiled} measured with no result file "
          f"(UNFILED in allow.py): {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
