"""Claims of benchmarks/RESULTS.md's prose (its tables are generated: tables.py)."""
import statistics

from .claims import (CPU_BLEND, CPU_DECODE, RESULTS, claim, h200, h200_files, is_tight_cell, linear_blend, load, mib, pct, whole)
from .claims_readme import ALL_H200, CPU_SHAPES, H100, H100_OLD_PLUGIN, H100_SWAP_RUNS, shape_blend, summary_cell, tensordot_speedups

DOC = "benchmarks/RESULTS.md"
CPU_SWAP = f"{RESULTS}swap-llama-3.2-1b-n32-cpu-lavapipe-2core-2026-11-21T1200.json"
CPU_EARLIER = [f"{RESULTS}blend-cpu-amd-epyc-2core-2026-11-21T{t}.json" for t in ("1050", "1053")]
SERVE = f"{RESULTS}serve-customization-stories260K-amd-epyc-2core-2026-12-06T1659.json"


def ms(us, fmt=".2f"):
    return format(us / 1000, fmt)


def two_digits(v):
    """Two significant digits, thousands separated: 2722 -> '2,700', 8628 -> '8,600'."""
    return f"{float(f'{v:.2g}'):,.0f}"


@claim(DOC, "PyTorch's device copy in the main run", h200_files(["1305"]) + ["peers.copy[].gb_per_s"])
def _():
    return [f"PyTorch's own device-to-device copy in the same call: {max(c['gb_per_s'] for c in h200('1305')['peers']['copy']):,.0f} GB/s"]


@claim(DOC, "the 95 % target: cells that hold it, the tight cell here and in the run before", h200_files(["1258", "1305"]) + ["blend.results.percent_of_copy"])
def _():
    cells = [r for r in linear_blend("1305") if mib(r) >= 256]
    held = sum(r["percent_of_copy"] >= 95 for r in cells)
    tight = {run: [r["percent_of_copy"] for r in linear_blend(run) if is_tight_cell(r)][0] for run in ("1258", "1305")}
    return [f"holds on {held} of the {len(cells)} cells", f"sits at the line: {pct(tight['1305'])} % here",
            f"{pct(tight['1258'])} % in the run before"]


@claim(DOC, "elements per adapter of the two shapes", h200_files(["1305"]) + ["peers.shapes[].elements_per_adapter"])
def _():
    e = {r["shape"]: r["elements_per_adapter"] for r in h200("1305")["peers"]["shapes"]}
    return [f"({e['llama-3.2-1b'] / 1e6:.1f} M elements per adapter)", f"of 32 layers ({e['llama-3-8b'] / 1e6:.1f} M)"]


@claim(DOC, "shapes: tightest tensordot ratio, PEFT ratios, concat % of copy", h200_files(["1305"]) + ["shapes-*, peers.shapes, peers.peft"])
def _():
    peft = {(r["combination"], r["adapters"]): r["median_ms"] for r in h200("1305")["peers"]["peft"]["results"]}
    ratios = [peft[("cat" if mode == "concat" else "linear", n)] / (shape_blend("1305", "1b", mode, n)["blend_best_us"] / 1000)
              for mode in ("linear", "concat") for n in (8, 32)]
    concat = [r["percent_of_copy"] for key in ("shapes-1b", "shapes-8b") for r in h200("1305")[key]["results"] if r["mode"] == "concat"]
    return [f"(the tightest: 1B linear N = 32, {min(tensordot_speedups()):.2f}x,",
            f"Against PEFT's merge of the same 1B adapters: {two_digits(min(ratios))}-{two_digits(max(ratios))}x",
            f"it runs at {whole(min(concat))}-{whole(max(concat))} % of copy"]


def swap(run, step="swap"):
    return h200(run)[step]


@claim(DOC, "swap: the two first runs, the two later ones, the fresh-load re-plan, concat", h200_files(ALL_H200) + ["swap, swap-concat"])
def _():
    live = {r: swap(r)["in_place"]["upload_done"]["median"] for r in ALL_H200}
    over = {r: swap(r)["in_place_first_token_overhead_median"] for r in ALL_H200}
    steady_others = [swap(r)["steady_decode"]["median"] for r in ("1258", "1305", "1440")]
    uploading = {r: swap(r)["in_place"]["uploading"]["median"] for r in ALL_H200}
    replan = [swap(r)["first_token_overhead_median"] for r in ALL_H200]
    concat = [swap(r, "swap-concat")["in_place"]["upload_done"]["median"] / 1000 for r in ("1258", "1305")]
    slow = max(live, key=live.get)
    return [f"holds in both ({ms(live['1258'])} and {ms(live['1305'])} ms)",
            f"costs {ms(min(over['1258'], over['1305']))}-{ms(max(over['1258'], over['1305']))} ms more than a steady decode",
            f"alpha in → live {ms(live['1438'])} ms and {ms(live['1440'])} ms, first-decode overhead +{ms(over['1438'])} / +{ms(over['1440'])} ms",
            f"In the {ms(live[slow])} ms run everything on the host side ran slower (the blend call {ms(swap(slow)['in_place']['blend']['median'])} ms instead of "
            f"{ms(swap('1258')['in_place']['blend']['median'])}, a steady decode {ms(swap(slow)['steady_decode']['median'])} ms instead of "
            f"{ms(min(steady_others), '.1f')}-{ms(max(steady_others), '.1f')})",
            f"copies the {swap('1305')['in_place_image_bytes'] / 1e6:.1f} MB on the CPU",
            f"({ms(min(uploading['1438'], uploading['1440']), '.1f')}-{ms(max(uploading['1438'], uploading['1440']), '.1f')} ms of \"uploading\" on that host, "
            f"{ms(min(uploading['1258'], uploading['1305']), '.1f')}-{ms(max(uploading['1258'], uploading['1305']), '.1f')} on the first)",
            f"So: ≤ 3 ms in {sum(v <= 3000 for v in live.values())} of {len(live)} runs, {ms(live[slow])} ms in one",
            f"costs ~{ms(min(replan), '.0f')}-{ms(max(replan), '.0f')} ms on the first decode",
            f"same blend exactly (max difference {max(swap(r)['in_place_max_logit_difference'] for r in ALL_H200)})",
            f"{concat[0]:.3g} / {concat[1]:.3g} ms pipelined"]


@claim(DOC, "swap through the customizer on the H100: prose", H100_SWAP_RUNS + [H100_OLD_PLUGIN, H100, f"{RESULTS}gpu-h100-2026-12-06T1557.json", "swap*, swap-concat"])
def _():
    runs = [load(f)["benchmarks"] for f in H100_SWAP_RUNS]
    live = [b["swap"]["in_place"]["upload_done"]["median"] for b in runs]
    first = [b["swap"]["in_place"]["first_landed"]["median"] for b in runs]
    chunks = [b[k]["in_place"]["upload_done"]["median"] for b in runs for k in ("swap-chunk-256", "swap-chunk-512", "swap", "swap-chunk-4096")]
    over = sorted(b["swap"]["in_place_first_token_overhead_median"] for b in runs)
    replan = sorted(b["swap"]["first_token_overhead_median"] for b in runs)
    earlier = [load(f)["benchmarks"]["swap"]["in_place"]["upload_done"]["median"] for f in (H100, f"{RESULTS}gpu-h100-2026-12-06T1557.json")]
    old_live = summary_cell(H100_OLD_PLUGIN, "Swap (linear)", "upload_done", "in place (pipelined)")
    old_first = summary_cell(H100_OLD_PLUGIN, "Swap (linear)", "first_landed", "in place (pipelined)")
    concat = " and ".join(ms(b["swap-concat"]["in_place"]["upload_done"]["median"]) for b in runs)
    return [f"the swap through the product's API is {ms(live[0])} and {ms(live[1])} ms",
            f"gave {old_live:.2f} ms on the same warm machine between the two runs (first chunk landed at {old_first:.2f} ms instead of "
            f"{ms(min(first))}-{ms(max(first))})",
            f"and {ms(earlier[0])} and {ms(earlier[1])} ms on the H100 hosts of T1450 and T1557",
            f"Chunks of 256 KiB-4 MiB gave {ms(min(chunks))}-{ms(max(chunks))} ms",
            f"upload of the {runs[0]['swap']['in_place_image_bytes'] / 1e6:.1f} MB adapter",
            f"The first decode costs {ms(over[0])}-{ms(over[1])} ms more than a steady one",
            f"against {ms(replan[0], '.1f')}-{ms(replan[1], '.1f')} ms after a load and set",
            f"equal a fresh load (max difference {max(b['swap']['in_place_max_logit_difference'] for b in runs)})",
            f"Concat top-4 (rank 64, not staged): {concat} ms"]


@claim(DOC, "swap on the 2-core CPU (blend on lavapipe)", [CPU_SWAP, CPU_SHAPES, "in_place.*, in_memory.total; cpu linear 32"])
def _():
    s = load(CPU_SWAP)
    cpu = [r for r in load(CPU_SHAPES)["results"] if r["backend"] == "cpu" and r["mode"] == "linear" and r["adapters"] == 32][0]
    return [f"in place {s['in_place']['total']['median'] / 1e6:.2f} s including the first decode (blend {s['in_place']['blend']['median'] / 1e6:.2f} s on lavapipe, "
            f"upload {ms(s['in_place']['upload']['median'], '.1f')} ms), through memory {s['in_memory']['total']['median'] / 1e6:.2f} s",
            f"blend in {whole(cpu['blend_best_us'] / 1000)} ms (table above)"]


@claim(DOC, "decode: blend vs one LoRA in two runs, the mixes, the CPU's speed", h200_files(["1305", "1440"]) + [CPU_DECODE, "decode.results"])
def _():
    r = {x["configuration"]: x for x in h200("1305")["decode"]["results"]}
    late = {x["configuration"]: x for x in h200("1440")["decode"]["results"]}
    cpu = {x["configuration"]: x for x in load(CPU_DECODE)["results"]}
    return [f"({r['linear']['vs_single']:.3f}x; {late['linear']['vs_single']:.3f}x in the final commit's run T1440",
            f"{r['mix-2']['vs_single']:.2f}x, {r['mix-4']['vs_single']:.2f}x, {r['mix-8']['vs_single']:.2f}x of a single LoRA",
            f"decodes at ~{whole(cpu['none']['tokens_per_s_median'])} tokens/s"]


@claim(DOC, "CPU blend: the floor, the 1 GiB copies, the two earlier runs", [CPU_BLEND] + CPU_EARLIER + ["results[cpu]: percent_of_copy, copy_gb_per_s"])
def _():
    main = [r for r in load(CPU_BLEND)["results"] if r["backend"] == "cpu"]
    big = [r["copy_gb_per_s"] for r in main if mib(r) == 1024]
    earlier = [r["percent_of_copy"] for f in CPU_EARLIER for r in load(f)["results"] if r["backend"] == "cpu" and mib(r) >= 64]
    return [f"Every pool of 64 MiB and more is at {whole(min(r['percent_of_copy'] for r in main if mib(r) >= 64))} % of memcpy or above",
            f"faster ({whole(min(big))}-{whole(max(big))} GB/s", f"gave {whole(min(earlier))}-{whole(max(earlier))} %."]


@claim(DOC, "serve: the machine's load when the run ended", [SERVE, "load_average"])
def _():
    one, five, fifteen = (float(v) for v in load(SERVE)["load_average"].split()[:3])
    legs = {(l["swap"], l["distinct_customizations"]): l["load"]["requests_per_second"] for l in load(SERVE)["customization"]["legs"]}
    return [f"(load average {one:.2f} / {five:.2f} / {fifteen:.2f} when the run ended)",
            f"in place serves {legs[('in-place', 1)] / legs[('reload-per-request', 1)]:.1f}x the requests of reloading per request"]


CPU_RECIPES = f"{RESULTS}blend-recipes-cpu-amd-epyc-2core-2026-12-06T1324.json"


def recipe(r):
    return r["mode"].split(":")[0]


@claim(DOC, "merge recipes on the 2-core CPU: their speed as a share of linear's", [CPU_RECIPES, "results: blend_gb_per_s per mode, storage, N"])
def _():
    rows = load(CPU_RECIPES)["results"]
    linear = {(r["storage"], r["adapters"]): r["blend_gb_per_s"] for r in rows if recipe(r) == "linear"}
    shares = [100 * r["blend_gb_per_s"] / linear[(r["storage"], r["adapters"])] for r in rows if recipe(r) != "linear"]
    return [f"The merges are compute-bound here, at {whole(min(shares))}-{whole(max(shares))} % of linear"]


@claim(DOC, "merge recipes on the H100 (pools of 256 MiB and 1 GiB)", [H100, "recipes.results: percent_of_copy, blend_gb_per_s"])
def _():
    rows = [r for r in load(H100)["benchmarks"]["recipes"]["results"] if mib(r) >= 256]

    def span(values, fmt=whole):
        return f"{fmt(min(values))}-{fmt(max(values))}"

    def gbs(v):
        return f"{float(whole(v)):,.0f}"
    merges = ("ties", "dare_linear", "dare_ties", "magnitude_prune")
    f16 = {m: [r for r in rows if recipe(r) == m and r["storage"] == "f16"] for m in merges}
    f32 = [r for r in rows if recipe(r) in merges and r["storage"] == "f32"]
    cell = {recipe(r): r["blend_gb_per_s"] for r in rows if r["storage"] == "f32" and r["adapters"] == 8 and mib(r) == 1024}
    return [f"linear {span([r['percent_of_copy'] for r in rows if recipe(r) == 'linear'])} % at 256 MiB and 1 GiB",
            f"the merges reach {span([r['percent_of_copy'] for m in merges for r in f16[m]])} % with fp16 storage "
            f"(ties {span([r['blend_gb_per_s'] for r in f16['ties']], gbs)} GB/s, "
            + ", ".join(f"{m} {span([r['blend_gb_per_s'] for r in f16[m]], gbs)}" for m in merges[1:]) + ")",
            f"and {span([r['percent_of_copy'] for r in f32])} % with fp32 storage",
            f"ties {gbs(cell['ties'])}, dare_linear {gbs(cell['dare_linear'])}, dare_ties {gbs(cell['dare_ties'])}, "
            f"magnitude_prune {gbs(cell['magnitude_prune'])} GB/s against linear {gbs(cell['linear'])}"]


@claim(DOC, "pools under 128 MiB: their blend kernels' time", h200_files(["1305"]) + ["blend.results[pool < 128 MiB].blend_best_us"])
def _():
    small = [r["blend_best_us"] for r in linear_blend("1305") if mib(r) < 128]
    return [f"kernels of {whole(min(small))}-{whole(max(small))} µs are dominated by that ramp"]


@claim(DOC, "bench serve on the H100: settings and prose", H100_SWAP_RUNS + ["serve: contexts, max_tokens, customization.*; swap.in_place.upload_done, steady_decode"])
def _():
    runs = [load(f)["benchmarks"] for f in H100_SWAP_RUNS]
    serve = runs[0]["serve"]
    legs = serve["customization"]["legs"]
    by = {(l["swap"], l["distinct_customizations"]): l["load"] for l in legs}
    distinct = sorted({l["distinct_customizations"] for l in legs})
    ratios = [by[("in-place", d)]["requests_per_second"] / by[("reload-per-request", d)]["requests_per_second"] for d in distinct]
    load0 = legs[0]["load"]
    live = sorted(b["swap"]["in_place"]["upload_done"]["median"] for b in runs)
    steady = sorted(b["swap"]["steady_decode"]["median"] for b in runs)
    return [f"served on Vulkan, {serve['contexts']} contexts, {serve['max_tokens']} greedy tokens a request, {load0['clients']} closed-loop clients on loopback,",
            f"{load0['requests']} requests a leg; the pool: {serve['customization']['pool_adapters']} random adapters of rank {serve['customization']['pool_rank']}",
            f"serves {min(ratios):.2f}-{max(ratios):.2f}x the requests per second",
            f"and {max(distinct)} distinct customizations cost about what one does",
            f"is {ms(live[0])}-{ms(live[1])} ms, about one steady decode step",
            f"({ms(steady[0])}-{ms(steady[1])} ms)"]
