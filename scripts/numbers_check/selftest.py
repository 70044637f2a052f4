#!/usr/bin/env python3
"""Self-tests of the number check: a document with an unaccounted number fails, a mismatched claim or stale
generated table fails (naming file, line and number), a correct document passes, and stale allow-list and pending
entries fail. Run by scripts/test.sh before the check itself; prints "selftest: N passed, N failed"."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from numbers_check.check import check  # noqa: E402
from numbers_check.scan import Document  # noqa: E402

TABLE = "<!-- numbers: t (generated) -->\n| a | 1.5 |\n<!-- /numbers: t -->\n"


def run(text, claims=(), allow=(), generators=None, pending=()):
    doc = Document("doc.md", text)
    failures, _ = check(doc, list(claims), list(allow), generators or {}, pending=list(pending))
    return failures


def test_unaccounted_number_fails_naming_line_and_number():
    failures = run("# Title\n\nThe blend took 4.2 ms.\n")
    assert len(failures) == 1 and "doc.md:3:" in failures[0] and "number 4.2 " in failures[0], failures


def test_claimed_number_passes():
    assert run("The blend took 4.2 ms.\n", claims=[("blend", ["file.json"], lambda: ["took 4.2 ms"])]) == []


def test_mismatched_claim_fails_and_leaves_the_number_unaccounted():
    failures = run("The blend took 4.2 ms.\n", claims=[("blend", ["file.json"], lambda: ["took 4.3 ms"])])
    assert any("claim 'blend'" in f and "took 4.3 ms" in f and "doc.md:1" in f for f in failures), failures
    assert any("number 4.2 " in f for f in failures), failures


def test_claim_spans_line_breaks_and_bold():
    assert run("The blend took **4.2\nms** here.\n", claims=[("blend", [], lambda: ["took 4.2 ms"])]) == []


def test_generated_table_up_to_date_passes_and_stale_fails():
    assert run(TABLE, generators={"t": lambda: "| a | 1.5 |\n"}) == []
    failures = run(TABLE, generators={"t": lambda: "| a | 1.6 |\n"})
    assert len(failures) == 1 and "doc.md:2:" in failures[0] and "1.6" in failures[0], failures


def test_region_without_generator_fails():
    assert any("no generator" in f for f in run(TABLE))


def test_rules_and_code_account_for_non_measurements():
    text = "Run on 2026-12-06 (issue 10) with `--sizes 64,256`, v0.5.0, N = 32, rank 16, median of 20.\n\n    ./crayon 99\n"
    assert run(text) == []


def test_words_hold_no_numbers():
    assert run("fp16 on x64 with Llama-3.2-1B at T1305\n") == []


def test_allow_list_accounts_and_stale_entry_fails():
    assert run("exit 130 on Ctrl+C\n", allow=[("exit 130", "an exit code")]) == []
    failures = run("nothing here\n", allow=[("exit 130", "an exit code")])
    assert any("no longer occurs" in f for f in failures), failures


def test_pending_line_accounts_and_stale_entry_fails():
    assert run("| x | 3.1 |\n", pending=[("| x |", "r.json")]) == []
    assert any("no longer occurs" in f for f in run("| y | 3.1 |\n", pending=[("| x |", "r.json")]))


def test_pending_line_with_every_number_bound_elsewhere_fails():
    failures = run("| x | 3.1 |\n", claims=[("x", [], lambda: ["| x | 3.1 |"])], pending=[("| x |", "r.json")])
    assert any("no unbound number left" in f for f in failures), failures


def main():
    tests = [(name, f) for name, f in sorted(globals().items()) if name.startswith("test_")]
    failed = 0
    for name, f in tests:
        try:
            f()
        except AssertionError as e:
            failed += 1
            print(f"selftest: FAIL {name}: {e}")
    print(f"selftest: {len(tests) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
