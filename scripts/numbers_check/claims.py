"""Claims: a published phrase computed from result files. Each claim names its document, the result file(s) and
field(s) behind it, and computes the exact text the document must contain (bold and line breaks ignored); every
number inside that text is then accounted for. A claim fails when the document does not say its text.
"""
import json
import math
from decimal import ROUND_HALF_UP, Decimal
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESULTS = "benchmarks/results/"
H200_SWEEPS = ["1258", "1305", "1438"]  # T1440's blend section is T1438's carried over by the old collect.py: not a run
CLAIMS = []


def claim(doc, name, sources):
    def register(compute):
        CLAIMS.append((doc, name, sources, compute))
        return compute
    return register


_cache = {}


def load(path):
    if path not in _cache:
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            _cache[path] = json.load(f)
    return _cache[path]


def h200(run):
    return load(f"{RESULTS}gpu-h200-2026-11-21T{run}.json")["benchmarks"]


def h200_files(runs):
    return [f"{RESULTS}gpu-h200-2026-11-21T{r}.json" for r in runs]


def linear_blend(run):
    return [r for r in h200(run)["blend"]["results"] if r["backend"] == "vulkan" and r["mode"] == "linear"]


def mib(r):
    return r["pool_bytes"] >> 20


def pct(v):
    """A percentage as the documents round it: 106.0 -> '106', 96.45 -> '96.5'."""
    text = f"{v:.1f}"
    return text[:-2] if text.endswith(".0") else text


def whole(v):
    """Rounded half up, as the documents round (86.5 -> 87), not Python's half-to-even."""
    return str(Decimal(str(v)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def span(values, digits=pct):
    return f"{digits(min(values))}-{digits(max(values))} %"


def is_tight_cell(r):
    return r["storage"] == "f16" and r["adapters"] == 32 and mib(r) == 256


# --- H200 blend ------------------------------------------------------------------------------------------------------

@claim("README.md", "blend % of copy, pools >= 256 MiB but the tight cell, three H200 sweeps",
       h200_files(H200_SWEEPS) + ["benchmarks.blend.results[vulkan, linear].percent_of_copy"])
def _():
    return [span([r["percent_of_copy"] for run in H200_SWEEPS for r in linear_blend(run) if mib(r) >= 256 and not is_tight_cell(r)])
            + " of the same run's"]


@claim("README.md", "blend % of copy of the tight cell (fp16, N = 32, 256 MiB), three H200 sweeps",
       h200_files(H200_SWEEPS) + ["benchmarks.blend.results[f16, 32, 256 MiB].percent_of_copy"])
def _():
    values = [r["percent_of_copy"] for run in H200_SWEEPS for r in linear_blend(run) if is_tight_cell(r)]
    return [f"fp16 N = 32 at 256 MiB, at {span(values)}", f"measured {span(values)} of copy"]


@claim("README.md", "every other pool >= 256 MiB, limits section", h200_files(H200_SWEEPS) + ["benchmarks.blend.results.percent_of_copy"])
def _():
    return ["every other pool of 256 MiB and more is at "
            + span([r["percent_of_copy"] for run in H200_SWEEPS for r in linear_blend(run) if mib(r) >= 256 and not is_tight_cell(r)])]


@claim("benchmarks/RESULTS.md", "blend table rows (main run T1305): GB/s and % of copy at 256 MiB, 512 MiB, 1 GiB",
       h200_files(["1305"]) + ["benchmarks.blend.results[vulkan, linear]"])
def _():
    rows = []
    for storage in ("f16", "f32"):
        for n in (8, 32):
            cells = {mib(r): r for r in linear_blend("1305") if r["storage"] == storage and r["adapters"] == n}
            a, b, c = cells[256], cells[512], cells[1024]
            rows.append(f"| {storage} | {n} | {a['blend_gb_per_s']:,.0f} GB/s, {a['percent_of_copy']:.1f} % | "
                        f"{b['blend_gb_per_s']:,.0f}, {b['percent_of_copy']:.1f} % | {c['blend_gb_per_s']:,.0f}, {c['percent_of_copy']:.1f} % |")
    return rows


@claim("benchmarks/RESULTS.md", "the other runs of the table's cells (T1258, T1438)", h200_files(["1258", "1438"]) + ["benchmarks.blend.results.percent_of_copy"])
def _():
    texts = []
    for run in ("1438", "1258"):
        others = [r["percent_of_copy"] for r in linear_blend(run) if mib(r) >= 256 and not is_tight_cell(r)]
        tight = [r["percent_of_copy"] for r in linear_blend(run) if is_tight_cell(r)][0]
        texts.append(f"(T{run}): {span(others)} on every cell ≥ 256 MiB except fp16 N = 32 at 256 MiB, {pct(tight)} %")
    return texts


@claim("benchmarks/RESULTS.md", "pools under 128 MiB, main run T1305", h200_files(["1305"]) + ["benchmarks.blend.results[pool < 128 MiB].percent_of_copy"])
def _():
    return [f"Pools under 128 MiB reach {span([r['percent_of_copy'] for r in linear_blend('1305') if mib(r) < 128], whole)} in the main run"]


@claim("benchmarks/RESULTS.md", "the tight cell in its tuning pass and across the focus tunings",
       h200_files(["1305"]) + [f"{RESULTS}tune-h200-focus-2026-11-21T1302.json", "tune.best / results[f16, 32, 256 MiB].percent_of_copy"])
def _():
    best = [r["percent_of_copy"] for r in h200("1305")["tune"]["best"] if is_tight_cell(r)][0]
    focus = [r["percent_of_copy"] for r in load(f"{RESULTS}tune-h200-focus-2026-11-21T1302.json")["results"] if is_tight_cell(r)]
    return [f"{pct(best)} % in this run's tuning pass", f"{span(focus).replace(' %', ' %')} across the {len(focus)} tunings of `tune-h200-focus`"]


# --- H200 swap -----------------------------------------------------------------------------------------------------

def live_ms(run, step="swap"):
    return h200(run)[step]["in_place"]["upload_done"]["median"] / 1000


@claim("benchmarks/RESULTS.md", "alpha in -> live, pipelined in place (T1258 / T1305)", h200_files(["1258", "1305"]) + ["benchmarks.swap.in_place.upload_done.median"])
def _():
    return [f"**{live_ms('1258'):.2f} / {live_ms('1305'):.2f}** |"]


@claim("benchmarks/RESULTS.md", "alpha in -> live in the final commit's runs (T1438, T1440)", h200_files(["1438", "1440"]) + ["benchmarks.swap.in_place.upload_done.median"])
def _():
    return [f"alpha in → live **{live_ms('1438'):.2f} ms** and **{live_ms('1440'):.2f} ms**"]


@claim("benchmarks/RESULTS.md", "chunk size 256 KiB-4 MiB: spread of alpha in -> live per run",
       h200_files(H200_SWEEPS + ["1440"]) + ["benchmarks.swap-chunk-{256,512,4096}, swap: in_place.upload_done.median"])
def _():
    spreads = []
    for run in H200_SWEEPS + ["1440"]:
        values = [live_ms(run, step) for step in ("swap-chunk-256", "swap-chunk-512", "swap", "swap-chunk-4096")]
        spreads.append(max(values) - min(values))
    return [f"by {spreads[0]:.2f} and {spreads[1]:.2f} ms in the first two runs and by {spreads[2]:.2f} and {spreads[3]:.2f} ms in the two later ones"]


# --- decode --------------------------------------------------------------------------------------------------------

CPU_DECODE = f"{RESULTS}decode-llama-3.2-1b-cpu-2core-2026-11-21T1200.json"


@claim("benchmarks/RESULTS.md", "decode: tokens and runs behind each column", h200_files(["1305"]) + [CPU_DECODE, "tokens, runs"])
def _():
    g, c = h200("1305")["decode"], load(CPU_DECODE)
    return [f"H200: {g['tokens']} greedy tokens, median of {g['runs']}; 2-core CPU: {c['tokens']} tokens, median of {c['runs']}"]


@claim("benchmarks/RESULTS.md", "decode table rows", h200_files(["1305"]) + [CPU_DECODE, "results[].tokens_per_s_median, vs_none, vs_single"])
def _():
    labels = {"none": "none", "single": "single plain LoRA (rank 16, 7 modules)", "linear": "Crayon linear blend",
              "concat-4": "concat top-4 (rank 64)", "mix-2": "runtime mix of 2", "mix-4": "runtime mix of 4", "mix-8": "runtime mix of 8"}
    cpu = {r["configuration"]: r for r in load(CPU_DECODE)["results"]}
    rows = []
    for r in h200("1305")["decode"]["results"]:
        c = cpu.get(r["configuration"])
        tail = f" {c['tokens_per_s_median']:.2f} | {c['vs_single']:.2f} |" if c else " | |"
        rows.append(f"| {labels[r['configuration']]} | {r['tokens_per_s_median']:.1f} | {r['vs_none']:.3f} | {r['vs_single']:.3f} |" + tail)
    # the table prints vs-single of 'none' with two decimals (1.50), the rest with three
    rows[0] = rows[0].replace(f"| {h200('1305')['decode']['results'][0]['vs_single']:.3f} |", f"| {h200('1305')['decode']['results'][0]['vs_single']:.2f} |", 1)
    return rows


# --- CPU blend -----------------------------------------------------------------------------------------------------

CPU_BLEND = f"{RESULTS}blend-cpu-amd-epyc-2core-2026-11-21T1327.json"


@claim("benchmarks/RESULTS.md", "CPU blend table rows", [CPU_BLEND, "results[cpu]: blend_gb_per_s, percent_of_copy"])
def _():
    rows = []
    for storage in ("f32", "f16"):
        for n in (8, 32):
            cells = {mib(r): r for r in load(CPU_BLEND)["results"] if r["backend"] == "cpu" and r["storage"] == storage and r["adapters"] == n}
            a, b, c = cells[64], cells[256], cells[1024]
            unit = " GB/s" if not rows else ""  # the table names the unit in its first cell only
            rows.append(f"| {storage} | {n} | {a['blend_gb_per_s']:.1f}{unit}, {whole(a['percent_of_copy'])} % | "
                        f"{b['blend_gb_per_s']:.1f}, {whole(b['percent_of_copy'])} % | {c['blend_gb_per_s']:.1f}, {whole(c['percent_of_copy'])} % |")
    return rows


# --- the server model (hybrid) ----------------------------------------------------------------------------------------

SERVER_EVAL = f"{RESULTS}hybrid-server-model-eval-stories260K-2core-2026-11-21.json"


def server_accuracy_rows():
    rows = load(SERVER_EVAL)
    base = {r["Task"]: r for r in rows if r["Variant"] == "stories260K.gguf"}
    full = {r["Task"]: r for r in rows if r["Variant"] != "stories260K.gguf" and "full" in r["Variant"]}
    higher = [t for t in base if full[t]["Accuracy"] > base[t]["Accuracy"]]
    beyond = [t for t in higher if full[t]["Accuracy"] - base[t]["Accuracy"]
              > 2 * math.hypot(full[t]["AccuracyStandardError"], base[t]["AccuracyStandardError"])]
    return len(base), higher, beyond


@claim("README.md", "server model: accuracy higher on how many rows, and beyond noise where", [SERVER_EVAL, "Accuracy, AccuracyStandardError (base vs full)"])
def _():
    total, higher, beyond = server_accuracy_rows()
    return [f"higher accuracy on {len(higher)} of {total} tasks and subjects, by more than two standard errors only on {' and '.join(beyond)}"]


@claim("benchmarks/results/hybrid.md", "server model: accuracy higher on how many rows", [SERVER_EVAL, "Accuracy, AccuracyStandardError (base vs full)"])
def _():
    total, higher, beyond = server_accuracy_rows()
    return [f"Its **accuracy** is higher on {len(higher)} of the {total} rows, but by more than two standard errors only on {' and '.join(beyond)}"]


HYBRID_QUERIES = f"{RESULTS}hybrid-stories260K-amd-epyc-2core-2026-11-21.queries.jsonl"


def similarity_aucs():
    """Per task, P(similarity of an in-scope query > that of an MMLU query), ties counting half."""
    path = os.path.join(ROOT, HYBRID_QUERIES)
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    aucs = {}
    for task in dict.fromkeys(r["task"] for r in rows):
        pos = [r["similarity"] for r in rows if r["task"] == task and r["in_scope"]]
        neg = [r["similarity"] for r in rows if r["task"] == task and not r["in_scope"]]
        aucs[task] = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg))
    return aucs


@claim("README.md", "routing AUC against MMLU (mean over tasks)", [HYBRID_QUERIES, "similarity, in_scope per task"])
def _():
    aucs = similarity_aucs()
    return [f"(AUC {sum(aucs.values()) / len(aucs):.2f} against MMLU)"]


@claim("benchmarks/results/hybrid.md", "routing AUC per task and mean", [HYBRID_QUERIES, "similarity, in_scope per task"])
def _():
    aucs = similarity_aucs()
    return [f"mean AUC of {sum(aucs.values()) / len(aucs):.2f} over the eight tasks"] + [f"| {t} | {a:.2f} |" for t, a in aucs.items()]


# --- customization -------------------------------------------------------------------------------------------------

CUSTOMIZE_QUICK = f"{RESULTS}customize-quick-prior-stories260K-amd-epyc-2core-2026-12-06.json"
CUSTOMIZE_QUICK_DETAILS = f"{RESULTS}customize-quick-prior-stories260K-amd-epyc-2core-2026-12-06.details.json"
CUSTOMIZE_LEAVE_OUT = f"{RESULTS}customize-leaveout-prior-quick-stories260K-amd-epyc-2core-2026-12-06.json"
CUSTOMIZE_LEAVE_OUT_DETAILS = f"{RESULTS}customize-leaveout-prior-quick-stories260K-amd-epyc-2core-2026-12-06.details.json"


def quick_records():
    return load(CUSTOMIZE_QUICK)["records"]


def wins(records):
    return [r for r in records if r["crayon_nll"] < r["base_nll"] and r["crayon_nll"] < r["uniform_nll"]]


def near_uniform(records):
    return [r for r in records if abs(r["crayon_nll"] - r["uniform_nll"]) < 0.5]


def hundredths(v):
    return str(Decimal(repr(v)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def paired(details, task, reference):
    """Crayon − reference on the same items, as the report writes it: '−0.05 ± 0.22'."""
    d = next(p for p in load(details)["paired"] if p["task"] == task)[f"crayon_minus_{reference}"]
    mean = float(f"{d['mean']:.2f}")
    sign = "+" if mean > 0 else "−" if mean < 0 else ""
    return f"{sign}{abs(d['mean']):.2f} ± {d['standard_error']:.2f}"


@claim("README.md", "customization bar: below base, and wins",
       [CUSTOMIZE_QUICK, "records[].crayon_nll, base_nll, uniform_nll"])
def _():
    records = quick_records()
    below = sum(1 for r in records if r["crayon_nll"] <= r["base_nll"])
    return [f"below the base model on {below} of {len(records)} quick-benchmark tasks",
            f"uniform on {len(wins(records))} of {len(records)} tasks on the quick benchmark (the bar is 10)"]


@claim("README.md", "paired differences quoted in the limits", [CUSTOMIZE_QUICK_DETAILS, "paired[].crayon_minus_uniform"])
def _():
    return [f"siqa ({paired(CUSTOMIZE_QUICK_DETAILS, 'siqa', 'uniform')} nats) is noise and csqa ({paired(CUSTOMIZE_QUICK_DETAILS, 'csqa', 'uniform')}) under two standard errors"]


@claim("README.md", "leave-tasks-out: held-out tasks below base", [CUSTOMIZE_LEAVE_OUT, "records[].crayon_nll, base_nll"])
def _():
    records = load(CUSTOMIZE_LEAVE_OUT)["records"]
    return [f"on {sum(1 for r in records if r['crayon_nll'] < r['base_nll'])} of {len(records)} tasks held out of the pool"]


@claim("benchmarks/results/customize.md", "tasks within half a nat of uniform", [CUSTOMIZE_QUICK, "records[].crayon_nll, uniform_nll"])
def _():
    return [f"{len(near_uniform(quick_records()))} of the 12 tasks are within half a nat of the uniform blend either way"]


@claim("benchmarks/results/customize.md", "quick table rows with paired standard errors",
       [CUSTOMIZE_QUICK, "records[]: *_nll, gap_closed", CUSTOMIZE_QUICK_DETAILS, "paired[]"])
def _():
    rows = []
    for r in quick_records():
        won = "yes" if r in wins([r]) else "no"
        rows.append(f"| {r['task']} | {r['test_items']} | {r['base_nll']:.2f} | {r['uniform_nll']:.2f} | {r['best_single_nll']:.2f} | {r['search_nll']:.2f} | "
                    f"{r['crayon_nll']:.2f} | {r['oracle_nll']:.2f} | {100 * r['gap_closed']:.1f}% | {paired(CUSTOMIZE_QUICK_DETAILS, r['task'], 'base')} | "
                    f"{paired(CUSTOMIZE_QUICK_DETAILS, r['task'], 'uniform')} | {won} |")
    return rows


@claim("benchmarks/results/customize.md", "leave-tasks-out rows", [CUSTOMIZE_LEAVE_OUT, "records[]", CUSTOMIZE_LEAVE_OUT_DETAILS, "paired[]"])
def _():
    return [f"| {r['task']} | {r['base_nll']:.2f} | {r['uniform_nll']:.2f} | {r['best_single_nll']:.2f} | {r['crayon_nll']:.2f} | "
            f"{paired(CUSTOMIZE_LEAVE_OUT_DETAILS, r['task'], 'base')} | {paired(CUSTOMIZE_LEAVE_OUT_DETAILS, r['task'], 'uniform')} |"
            for r in load(CUSTOMIZE_LEAVE_OUT)["records"]]


