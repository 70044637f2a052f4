#!/usr/bin/env python3
"""The hub-correction choice (issue 13, item 2), from the two recorded validation ablations of 2026-12-06.

Rule, fixed before either ablation was read: the lowest mean over the 16 task evaluations (the 12 quick tasks on the
full pool + the 4 held-out tasks on the pool built without them) of validation NLL / the uniform blend's NLL; a
variant within 0.001 of the best counts as tied, and a tie keeps the current default (no correction, tau 0.01).
Prints the markdown table recorded in benchmarks/results/customize-ablation-hub-choice-2026-12-06.md.
"""
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESULTS = os.path.join(ROOT, "benchmarks", "results")
IN_POOL = "customize-ablation-hub-quick-stories260K-amd-epyc-2core-2026-12-06.json"
HELD_OUT = "customize-ablation-hub-leaveout-quick-stories260K-amd-epyc-2core-2026-12-06.json"


def rows(name, where):
    with open(os.path.join(RESULTS, name), encoding="utf-8") as f:
        return [(where, r) for r in json.load(f)["rows"]]


def main():
    by_variant = {}
    for where, r in rows(IN_POOL, "in") + rows(HELD_OUT, "out"):
        by_variant.setdefault(r["variant"], []).append((where, r))
    table = []
    for variant, rs in by_variant.items():
        ratio = lambda sel: [r["nll"] / r["uniform_nll"] for w, r in rs if sel(w)]
        every, inside, outside = ratio(lambda w: True), ratio(lambda w: w == "in"), ratio(lambda w: w == "out")
        wins_in = sum(1 for w, r in rs if w == "in" and r["nll"] < r["base_nll"] and r["nll"] < r["uniform_nll"])
        below_base_out = sum(1 for w, r in rs if w == "out" and r["nll"] < r["base_nll"])
        wins_out = sum(1 for w, r in rs if w == "out" and r["nll"] < r["base_nll"] and r["nll"] < r["uniform_nll"])
        table.append((sum(every) / len(every), variant, sum(inside) / len(inside), wins_in, len(inside),
                      sum(outside) / len(outside), below_base_out, wins_out, len(outside)))
    table.sort()
    best = table[0][0]
    default = "hidden, tau 0.01, top-k all, concat, mean alpha"
    tied = [t[1] for t in table if t[0] - best < 0.001]
    chosen = default if default in tied else table[0][1]
    print("| variant | all 16: NLL ÷ uniform | in pool: NLL ÷ uniform | in pool: below base and uniform | held out: NLL ÷ uniform | held out: below base | held out: below base and uniform |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for t in table:
        print(f"| {t[1]} | {t[0]:.4f} | {t[2]:.4f} | {t[3]}/{t[4]} | {t[5]:.4f} | {t[6]}/{t[8]} | {t[7]}/{t[8]} |")
    print()
    print(f"Tied with the best (within 0.001): {'; '.join(tied)}. Chosen: **{chosen}**.")


if __name__ == "__main__":
    main()
