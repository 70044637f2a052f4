"""Claims of benchmarks/blend-tuning-notes.md's Outcome column (its predictions are not measurements: scan.py)."""
from .claims import (H200_SWEEPS, RESULTS, claim, h200, h200_files, is_tight_cell, linear_blend, load, mib, pct, whole)
from .claims_readme import ALL_H200, shape_blend, tensordot_speedups

DOC = "benchmarks/blend-tuning-notes.md"
FIRST = ["1258", "1305"]
FOCUS = f"{RESULTS}tune-h200-focus-2026-11-21T1302.json"


def ms(us, fmt=".2f"):
    return format(us / 1000, fmt)


def span(values, fmt):
    lo, hi = fmt(min(values)), fmt(max(values))
    return lo if lo == hi else f"{lo}-{hi}"


def f2(v):
    return f"{v:.2f}"


def f1(v):
    return f"{v:.1f}"


def swaps(runs=FIRST, step="swap"):
    return [h200(r)[step] for r in runs]


def med(s, section, phase):
    return s[section][phase]["median"]


@claim(DOC, "vkCmdCopyBuffer's rate on the H200", h200_files(["1305"]) + ["blend.results.transfer_copy_gb_per_s"])
def _():
    return [f"it reached ~{max(r['transfer_copy_gb_per_s'] for r in h200('1305')['blend']['results'] if r['backend'] == 'vulkan') / 1000:.2f} TB/s"]


@claim(DOC, "K1, K2, K6: % of copy by pool size and storage", h200_files(H200_SWEEPS) + ["blend.results, tune.best"])
def _():
    main = [r for r in linear_blend("1305")]
    big = [r for r in main if mib(r) >= 256]
    tight = [r["percent_of_copy"] for run in H200_SWEEPS for r in linear_blend(run) if is_tight_cell(r)]
    tight += [r["percent_of_copy"] for r in h200("1305")["tune"]["best"] if is_tight_cell(r)]
    small = [r for r in main if mib(r) < 128]
    tight_main = [r for r in big if is_tight_cell(r)][0]
    others = [r["percent_of_copy"] for r in big if not is_tight_cell(r)]
    n32_16 = [r for r in small if r["storage"] == "f16" and r["adapters"] == 32 and mib(r) == 16][0]
    fp16 = [r["percent_of_copy"] for r in big if r["storage"] == "f16"]
    return [f"H200 T1305: {min(others):.1f}-{max(others):.1f} % on {len(others)} of {len(big)} cells ≥ 256 MiB; fp16 N=32 256 MiB "
            f"{pct(tight_main['percent_of_copy'])} % ({span(tight, pct)} % across runs)",
            f"at 512 MiB-1 GiB ({span([r['percent_of_copy'] for r in big if mib(r) >= 512], whole)} %)",
            f"the short fp16 N=32 256 MiB kernel ({whole(tight_main['blend_best_us'])} µs)",
            f"Wider than predicted: {span([r['percent_of_copy'] for r in small], whole)} % (noisy: "
            f"{span([r['blend_best_us'] for r in small], whole)} µs kernels); N=32 fp16 at 16 MiB only {whole(n32_16['percent_of_copy'])} %",
            f"fp32 reaches {span([r['percent_of_copy'] for r in big if r['storage'] == 'f32'], whole)} %, "
            f"fp16 {pct(min(fp16))}-{whole(max(fp16))} % at the same pool bytes"]


@claim(DOC, "K7-K11: real shapes against copy, PyTorch and PEFT", h200_files(FIRST) + ["shapes-*, peers"])
def _():
    b = h200("1305")
    concat = [r["percent_of_copy"] for k in ("shapes-1b", "shapes-8b") for r in b[k]["results"] if r["mode"] == "concat"]
    n8 = [shape_blend(run, "1b", "linear", 8) for run in FIRST]
    flat = {(r["dtype"], r["adapters"], r["pool_bytes"] >> 20): r["tensordot_best_us"] for r in b["peers"]["flat"]}
    cells = {(r["storage"], r["adapters"], mib(r)): r["blend_best_us"] for r in linear_blend("1305")}

    def sweep(storage, ns):
        dtype = {"f16": "float16", "f32": "float32"}[storage]
        return [flat[(dtype, n, size)] / cells[(storage, n, size)] for n in ns for size in (256, 1024)]
    per = {r["adapters"]: r for r in b["peers"]["shapes"] if r["shape"] == "llama-3.2-1b"}
    crayon = {n: shape_blend("1305", "1b", "linear", n)["blend_best_us"] / 1000 for n in (8, 32)}
    peft = {(r["combination"], r["adapters"]): r["median_ms"] for r in b["peers"]["peft"]["results"]}
    cat = [peft[("cat", n)] / (shape_blend("1305", "1b", "concat", n)["blend_best_us"] / 1000) for n in (8, 32)]

    def x2(v):
        return f"{float(f'{v:.2g}'):,.0f}"
    return [f"Met at the low end: {span(concat, whole)} % of copy on the real shapes",
            f"Met: {span([r['percent_of_copy'] for r in n8], f1)} % ({span([r['blend_best_us'] / 1000 for r in n8], lambda v: f'{v:.3f}')} ms)",
            f"fp16 N=8: {span(sweep('f16', [8]), f1)}x (met); fp32: {span(sweep('f32', [8, 32]), f1)}x; fp16 N=32: {span(sweep('f16', [32]), f2)}x "
            f"on the sweep and {min(tensordot_speedups()):.2f}x on the 1B shape",
            f"Met: {whole(per[8]['tensordot_per_tensor_ms'] / crayon[8])}x (N=8) and {whole(per[32]['tensordot_per_tensor_ms'] / crayon[32])}x (N=32) "
            f"against torch per tensor ({span([per[n]['tensordot_per_tensor_ms'] for n in (8, 32)], f1)} ms)",
            f"Met: {x2(peft[('linear', 32)] / crayon[32])}x (linear N=32: {crayon[32]:.3f} ms vs {whole(peft[('linear', 32)])} ms) to "
            f"{x2(peft[('linear', 8)] / crayon[8])}x (linear N=8); cat {x2(min(cat))}-{x2(max(cat))}x"]


@claim(DOC, "S1-S8: swap outcomes", h200_files(ALL_H200) + ["swap, swap-concat, swap-chunk-*"])
def _():
    first = swaps()
    seq_live = [med(s, "in_place_sequential", "blend_call") + med(s, "in_place_sequential", "upload") for s in first]
    blends = [med(s, p, "blend") for s in first for p in ("in_place", "in_place_sequential")]
    upload_rate = [s["in_place_image_bytes"] / med(s, "in_place_sequential", "upload") / 1000 for s in first]  # GB/s
    mem = [sum(med(s, "in_memory", k) for k in ("blend_call", "gguf_image", "llama_load", "set")) for s in first]
    file = [sum(med(s, "in_memory", k) for k in ("blend_call", "gguf_image")) + sum(med(s, "from_file", k) for k in ("write_file", "llama_load", "set"))
            for s in first]
    every = swaps(ALL_H200)
    live = [med(s, "in_place", "upload_done") for s in every]
    chunks = [h200(r)[k]["in_place"]["upload_done"]["median"] for r in FIRST for k in ("swap-chunk-256", "swap-chunk-512", "swap", "swap-chunk-4096")]
    spreads = [max(chunks[i:i + 4]) - min(chunks[i:i + 4]) for i in (0, 4)]

    def mss(values, fmt):
        return span([v / 1000 for v in values], lambda v: format(v, fmt))
    return [f"Sequential in place measured {mss(seq_live, '.1f')} ms (blend {mss(blends, '.2f')}, read-back incl. host copy "
            f"{mss([med(s, 'in_place_sequential', 'read_back') for s in first], '.1f')}, upload {mss([med(s, 'in_place_sequential', 'upload') for s in first], '.1f')})",
            f"(~{whole(sum(upload_rate) / len(upload_rate))} GB/s)",
            f"Met: +{mss([s['in_place_first_token_overhead_median'] for s in first], '.2f')} ms (linear), "
            f"+{mss([s['in_place_first_token_overhead_median'] for s in swaps(step='swap-concat')], '.2f')} ms (concat top-4)",
            f"Met: {mss(mem, '.0f')} ms to live (blend call {mss([med(s, 'in_memory', 'blend_call') for s in first], '.1f')}, "
            f"image {mss([med(s, 'in_memory', 'gguf_image') for s in first], '.1f')}, load {mss([med(s, 'in_memory', 'llama_load') for s in first], '.1f')}, "
            f"set {mss([med(s, 'in_memory', 'set') for s in first], '.2f')}), and the first decode re-plans: "
            f"+{mss([s['first_token_overhead_median'] for s in first], '.0f')} ms",
            f"Worse: {mss(file, '.0f')} ms (+{span([100 * (f / m - 1) for f, m in zip(file, mem)], whole)} %): writing "
            f"{first[0]['in_place_image_bytes'] / 1e6:.1f} MB took {mss([med(s, 'from_file', 'write_file') for s in first], '.0f')} ms",
            f"Met: max logit difference {max(s['in_place_max_logit_difference'] for s in every)} in every run",
            f"Met in {sum(v <= 3000 for v in live)} of {len(live)} runs: upload_done {ms(live[0])} ms (T1258), {ms(live[1])} (T1305), then on another host "
            f"{ms(live[2])} (T1438, host side at half speed) and {ms(live[3])} (T1440); read_back_done "
            f"{mss([med(s, 'in_place', 'read_back_done') for s in every], '.2f')} ms, first chunk landed at {mss([med(s, 'in_place', 'first_landed') for s in every], '.2f')} ms",
            f"within {max(spreads) / 1000:.1f} ms of each other ({mss(chunks, '.2f')} ms) in both runs",
            f"Met: {mss(seq_live, '.1f')} ms"]


@claim(DOC, "D1-D5: decode outcomes", h200_files(FIRST) + ["decode.results"])
def _():
    runs = [{x["configuration"]: x for x in h200(r)["decode"]["results"]} for r in FIRST]

    def across(config, field, fmt):
        return span([r[config][field] for r in runs], fmt)

    def f3(v):
        return f"{v:.3f}"
    main = runs[1]
    return [f"Faster than predicted: {across('none', 'tokens_per_s_median', whole)} tokens/s",
            f"Lower than predicted: {across('single', 'vs_none', f2)}x of no adapter",
            f"Met: {across('linear', 'vs_single', f3)}x of one plain LoRA",
            f"Met: {across('concat-4', 'vs_single', f3)}x",
            f"Met: mix-2 {across('mix-2', 'vs_none', f2)}x, mix-4 {across('mix-4', 'vs_none', f2)}x, mix-8 {across('mix-8', 'vs_none', f2)}x of no adapter "
            f"({main['mix-2']['vs_single']:.2f}x, {main['mix-4']['vs_single']:.2f}x, {main['mix-8']['vs_single']:.2f}x of one LoRA)"]


@claim("benchmarks/RESULTS.md", "the tight cell's blend time across the focus tunings", [FOCUS, "results[f16, 32, 256 MiB]: tuning, blend_best_us, blend_gb_per_s"])
def _():
    cells = [r for r in load(FOCUS)["results"] if is_tight_cell(r)]
    t = [r["tuning"] for r in cells]
    return [f"Its blend takes {span([r['blend_best_us'] for r in cells], whole)} µs whatever the tuning (workgroup "
            f"{span([x['workgroup_size'] for x in t], str)}, {span([x['loads_per_thread'] for x in t], str)} loads, unroll "
            f"{span([x['adapter_unroll'] for x in t], str)}: {span([r['blend_gb_per_s'] / 1000 for r in cells], f1)} TB/s"]


def tune_cells(run):
    """{pool: {(workgroup, loads, unroll): GB/s}} of a run's `tune` step (the axes sweep)."""
    cells = {}
    for r in h200(run)["tune"]["results"]:
        t = r["tuning"]
        cells.setdefault((r["storage"], r["adapters"], mib(r)), {})[(t["workgroup_size"], t["loads_per_thread"], t["adapter_unroll"])] = r["blend_gb_per_s"]
    return cells


def change(value, reference):
    return 100 * (value / reference - 1)


def loss(value, reference):
    return -change(value, reference) + 0.0  # + 0.0: no "-0" for an equal pair


@claim(DOC, "K3-K5: the tuning axes (T1258 with 4 loads, T1305 with 1), against the default tuning of the same pool and run",
       h200_files(FIRST) + ["tune.results: tuning, blend_gb_per_s"])
def _():
    new, old = tune_cells("1305"), tune_cells("1258")
    spread = {p: [c[(w, 1, 4)] for w in (64, 128, 256, 512, 1024)] for p, c in new.items()}
    worst = max(100 * (1 - min(v) / max(v)) for v in spread.values())
    example = spread[("f16", 32, 256)]
    lost_1024 = [loss(c[(1024, 4, 4)], c[(256, 4, 4)]) for p, c in old.items() if p[0] == "f16"]
    loads = [(c, {n: c[(256, n, 4)] for n in (1, 2, 4, 8, 16)}) for cells in (old, new) for c in cells.values()]
    short_of_best = max(100 * (1 - l[1] / max(l.values())) for _, l in loads)
    mid = [change(l[n], l[1]) for _, l in loads for n in (2, 4)]
    lost = {n: [loss(l[n], l[1]) for _, l in loads] for n in (8, 16)}
    unroll1 = {s: [loss(c[(256, 1, 1)], c[(256, 1, 4)]) for p, c in new.items() if p[0] == s] for s in ("f16", "f32")}
    unroll_spread = max(100 * (1 - min(c[(256, 1, u)] for u in (2, 4, 8)) / max(c[(256, 1, u)] for u in (2, 4, 8))) for c in new.values())
    return [f"at defaults (loads 1, unroll 4) 64-1024 lie within {worst:.1f} % of each other on every pool (e.g. fp16 N=32 256 MiB "
            f"{min(example):,.0f}-{max(example):,.0f} GB/s); with 4 loads per thread (the old default), 1024 lost {span(lost_1024, whole)} % on fp16 "
            f"against workgroup 256 (T1258 tune)",
            f"1 load was the best or within {short_of_best:.1f} % everywhere",
            f"2-4 ranged from {min(mid):.0f} % to +{max(mid):.1f} %, 8 lost {span(lost[8], whole)} %, 16 lost {span(lost[16], whole)} %",
            f"unroll 1 lost {span(unroll1['f16'], whole)} % on fp16 (at N=8 too), {span(unroll1['f32'], whole)} % on fp32; 2-8 within {unroll_spread:.1f} %"]
