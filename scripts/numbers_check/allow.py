"""Phrases whose numbers are not measurements, per document, each with its reason.

An entry is (document, phrase, reason); the phrase is matched like a claim (bold and line breaks ignored) and every
number inside each occurrence is accounted for. An entry whose phrase no longer occurs fails the check, so the list
cannot rot. Use it for settings of a run, counts of things, sizes that are definitions, targets, predictions and
names; a measured figure belongs in claims.py or a generated table instead.
"""

README = "README.md"
RESULTS = "benchmarks/RESULTS.md"
NOTES = "benchmarks/blend-tuning-notes.md"

NOT_MEASURED = "not a measurement"

ALLOW = [
    # README.md
    (README, "Customization that helps, without training. From", "a heading"),
    (README, "on 8 of 12 tasks of the quick benchmark", "the count is a claim of claims.py (wins of 12 tasks); here the same count repeated"),
    (README, "2. the adapter pool (8 rank-4 LoRAs", "the demo's settings: pool size and rank"),
    (README, "3. customization from 16 of the user's SIQA examples", "the demo's setting: examples used"),
    (README, "ABI version 4 in", "an ABI version"),
    (README, "a quarter of the examples (at most 8)", "a setting of the guard"),
    (README, "finite, \\|w\\| ≤ 1000", "a limit the server enforces (a setting)"),
    (README, "refused by name with 400", "an HTTP status code"),
    (README, "Exit codes: 0 done, 1 the command failed", "exit codes"),
    (README, "2 the command line is wrong", "an exit code"),
    (README, "130 interrupted by Ctrl+C", "an exit code"),
    (README, "(-1: all)", "an option value"),
    (README, "(0: one per core)", "an option value"),
    (README, "| 1 | `LlamaRuntimeOptions", "a search-order rank"),
    (README, "| 2 | `llama/` beside", "a search-order rank"),
    (README, "| 3 | the application folder", "a search-order rank"),
    (README, "| 4 | `.deps/llama", "a search-order rank"),
    (README, "the 95 % target", "a target, not a measurement"),
    (README, "at 256 MiB, measured", "a pool size (a benchmark setting)"),
    (README, "for pools of 256 MiB and more", "a pool size (a benchmark setting)"),
    (README, "e.g. 69.80 vs 69.79 nats", "an illustration of the issue-10 test failure's values (HybridBenchmarkTests, rounded), not a published result"),
    (README, "The suite's budget is 15 minutes", "a budget (target)"),
    # measured, with no result file behind them: test-suite runs, recorded in the prose of issue 10 and of the
    # commit that wrote them. Marked UNFILED so the count shows; a result file would turn each into a claim.
    (README, "the NUnit suite (about 740 tests)", "UNFILED: the suite's test count, from the run reported below"),
    (README, "11.5 minutes cold, of which about 3 minutes is lavapipe", "UNFILED: suite timing reported in issue 10"),
    (README, "in 3 min 1 s for 745 tests", "UNFILED: suite timing of 2026-12-06, from that run's console"),
]
