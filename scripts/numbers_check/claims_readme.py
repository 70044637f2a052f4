"""Claims of README.md beyond the headline ones in claims.py: each phrase computed from its result file."""
import os
import re
import statistics

from .claims import (CUSTOMIZE_QUICK, CUSTOMIZE_QUICK_DETAILS, H200_SWEEPS, RESULTS, ROOT, claim, h200, h200_files, load, pct, quick_records, whole, wins)

README = "README.md"
ALL_H200 = H200_SWEEPS + ["1440"]
H100 = f"{RESULTS}gpu-h100-2026-12-06T1450.json"  # the merge recipes; the swap of the plugin before the staged landing
H100_SWAP_RUNS = [f"{RESULTS}gpu-h100-2026-12-06T1652.json", f"{RESULTS}gpu-h100-2026-12-06T1655.json"]
# The A/B control between those two runs: only its console summary came back from the device.
H100_OLD_PLUGIN = f"{RESULTS}gpu-h100-2026-12-06T1654-plugin-6a7977f.summary.md"


def summary_cell(path, section, phase, column):
    """A cell of a GPU run's summary.md table: section heading prefix, row name, column header (ms as printed)."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        lines = f.read().split("\n")
    at = next(i for i, l in enumerate(lines) if l.startswith("## " + section))
    header = [c.strip() for c in lines[at + 1].strip("|").split("|")]
    row = next(l for l in lines[at + 3:] if l.startswith(f"| {phase} |"))
    return float([c.strip() for c in row.strip("|").split("|")][header.index(column)])
HYBRID = f"{RESULTS}hybrid-stories260K-amd-epyc-2core-2026-11-21.json"
DEMO = f"{RESULTS}demo-amd-epyc-2core-2026-11-21.md"
CPU_SHAPES = f"{RESULTS}shapes-llama-3.2-1b-cpu-lavapipe-2core-2026-11-21T1200.json"


def ms(us, fmt):
    return format(us / 1000, fmt)


def fresh_load_ms(s):
    """alpha in -> live through memory: blend call + GGUF image + llama_adapter_lora_init + set (microseconds)."""
    m = s["in_memory"]
    return sum(m[k]["median"] for k in ("blend_call", "gguf_image", "llama_load", "set"))


def shape_blend(run, shape, mode, n):
    return [r for r in h200(run)[f"shapes-{shape}"]["results"] if r["mode"] == mode and r["adapters"] == n][0]


def peer_shape(run, shape, n):
    return [r for r in h200(run)["peers"]["shapes"] if r["shape"] == shape and r["adapters"] == n][0]


def tensordot_speedups(run="1305"):
    out = []
    for shape, ns in (("1b", (8, 32)), ("8b", (8,))):
        name = {"1b": "llama-3.2-1b", "8b": "llama-3-8b"}[shape]
        for n in ns:
            out.append(peer_shape(run, name, n)["tensordot_flat_ms"] / (shape_blend(run, shape, "linear", n)["blend_best_us"] / 1000))
    return out


@claim(README, "blend vs tensordot on real shapes, 32 adapters' blend, PEFT", h200_files(["1305"]) + ["shapes-*, peers.shapes, peers.peft"])
def _():
    speed = tensordot_speedups()
    peft = [r for r in h200("1305")["peers"]["peft"]["results"] if r["combination"] == "linear" and r["adapters"] == 32][0]
    return [f"{min(speed):.2f}-{max(speed):.1f}x PyTorch", f"blends 32 Llama-3.2-1B adapters in {shape_blend('1305', '1b', 'linear', 32)['blend_best_us'] / 1000:.2f} ms",
            f"`add_weighted_adapter` takes {whole(peft['median_ms'])} ms"]


@claim(README, "swap: alpha in -> live in four H200 runs, first-decode overhead, fresh load and re-plan",
       h200_files(ALL_H200) + ["swap.in_place.upload_done, in_place_first_token_overhead_median, in_memory.*, first_token_overhead_median"])
def _():
    live = [h200(r)["swap"]["in_place"]["upload_done"]["median"] for r in ALL_H200]
    over = [h200(r)["swap"]["in_place_first_token_overhead_median"] for r in ALL_H200]
    fresh = [fresh_load_ms(h200(r)["swap"]) for r in ALL_H200]
    replan = [h200(r)["swap"]["first_token_overhead_median"] for r in ALL_H200]
    slow = ms(max(live), ".1f")
    return [f"Adapter swap in about {whole(statistics.median(live) / 1000)} ms.",
            f"N = 32: {ms(live[0], '.1f')}, {ms(live[1], '.1f')}, {ms(live[2], '.1f')} and {ms(live[3], '.1f')} ms in four runs (the {slow} on a host",
            f"the next decode costs {ms(min(over), '.2f')}-{ms(max(over), '.2f')} ms more",
            f"costs {ms(min(fresh), '.0f')}-{ms(max(fresh), '.0f')} ms plus a {ms(min(replan), '.0f')}-{ms(max(replan), '.0f')} ms graph re-plan",
            f"so a slow host shows ({ms(max(live), '.2f')} ms once)",
            f"the ≤ 3 ms target held in {sum(v <= 3000 for v in live)} of {len(live)} runs"]


@claim(README, "swap through the customizer on the H100", H100_SWAP_RUNS + [H100_OLD_PLUGIN, "swap.in_place.upload_done, in_place_first_token_overhead_median"])
def _():
    runs = [load(f)["benchmarks"]["swap"] for f in H100_SWAP_RUNS]
    live = " and ".join(ms(s["in_place"]["upload_done"]["median"], ".2f") for s in runs)
    over = sorted(s["in_place_first_token_overhead_median"] for s in runs)
    old = summary_cell(H100_OLD_PLUGIN, "Swap (linear)", "upload_done", "in place (pipelined)")
    return [f"on an H100: {live} ms in two runs ({old:.2f} ms with the plugin before the staged landing, same machine), "
            f"+{ms(over[0], '.2f')}-{ms(over[1], '.2f')} ms on the next decode"]


@claim(README, "decode: blended adapter vs one LoRA, mix of 4", h200_files(["1305"]) + ["decode.results[linear, mix-4].vs_single"])
def _():
    r = {x["configuration"]: x for x in h200("1305")["decode"]["results"]}
    return [f"decodes at {r['linear']['vs_single']:.3f}x the speed of one plain LoRA; mixing 4 adapters at run time instead costs {r['mix-4']['vs_single']:.2f}x"]


@claim(README, "customization: examples, latency split (medians over tasks), search passes",
       [CUSTOMIZE_QUICK, CUSTOMIZE_QUICK_DETAILS, "settings.k; costs[].crayon_ms, search.forward_passes"])
def _():
    costs = load(CUSTOMIZE_QUICK_DETAILS)["costs"]
    med = {k: statistics.median(c["crayon_ms"][k] for c in costs) for k in ("embed", "alpha", "blend", "swap", "total")}
    passes = {c["search"]["forward_passes"] for c in costs}
    return [f"From {load(CUSTOMIZE_QUICK)['settings']['k']} of a user's examples",
            f"in {whole(med['total'])} ms from examples to adapter live, guard included (medians: embed {whole(med['embed'])}, alpha {med['alpha']:.2f}, "
            f"blend {med['blend']:.2f}, swap {med['swap']:.2f}; the rest is the guard's forward passes on held-out examples), "
            f"where a LoraHub-style search needs {max(passes)} forward passes"]


@claim(README, "bytes a routed query sends (mixed set, every query routed)", [HYBRID, "records[mixed, ratio 1].bytes_sent"])
def _():
    sent = [r["bytes_sent"] for r in load(HYBRID)["records"] if r["set"] == "mixed" and r["ratio"] == 1]
    return [f"(about {round(max(sent), -1):.0f} bytes) ever leaves the device"]


def demo_rows():
    with open(f"{ROOT}/{DEMO}", encoding="utf-8") as f:
        rows = [line.split("|")[1:-1] for line in f if re.match(r"\| \d+ \|", line)]
    return [[c.strip() for c in r] for r in rows]


def seconds(cell):
    return float(cell.split()[0])


@claim(README, "demo wall time (hand-transcribed table of the demo's result file)", [DEMO, "table: wall time, pool build, quick server model"])
def _():
    rows = demo_rows()
    cold = [r for r in rows if r[1].startswith("empty")]
    warm = [r for r in rows if r[1].startswith("warm")]
    return [f"in about {whole(max(seconds(r[2]) for r in cold))} s on 2 cores from a cold cache (pool {whole(max(seconds(r[3]) for r in cold))} s, "
            f"server model {whole(max(seconds(r[4]) for r in cold))} s), {whole(seconds(warm[0][2]))} s afterwards"]


@claim(README, "GPU blend limit: the tight cell's best tuning pass", h200_files(["1305"]) + ["tune.best[f16, 32, 256 MiB].percent_of_copy"])
def _():
    from .claims import is_tight_cell
    best = [r["percent_of_copy"] for r in h200("1305")["tune"]["best"] if is_tight_cell(r)][0]
    return [f"({pct(best)} % at best in a tuning pass)"]


@claim(README, "CPU blend vs lavapipe, 32 adapters of the 1B shape", [CPU_SHAPES, "results[linear, 32]: cpu and vulkan blend time"])
def _():
    rows = [r for r in load(CPU_SHAPES)["results"] if r["mode"] == "linear" and r["adapters"] == 32]
    cpu = [r for r in rows if r["backend"] == "cpu"][0]["blend_best_us"] / 1000
    lava = [r for r in rows if r["backend"] == "vulkan"][0]["blend_best_us"] / 1e6
    return [f"({whole(cpu)} ms against lavapipe's {lava:.1f} s for 32 adapters of the 1B shape)"]


@claim(README, "customization: wins in the headline", [CUSTOMIZE_QUICK, "records[].crayon_nll, base_nll, uniform_nll"])
def _():
    records = quick_records()
    return [f"the uniform blend on {len(wins(records))} of {len(records)} tasks of the quick benchmark"]


SUITE_COLD = f"{RESULTS}suite-cold-amd-epyc-2core-2026-12-06T1850.json"


@claim(README, "the suite: its size and a cold run's time", [SUITE_COLD, "projects, passed, failed, wall_seconds, commit"])
def _():
    run = load(SUITE_COLD)
    main_pass = sum(p["passed"] + p["failed"] for name, p in run["projects"].items() if not name.endswith("-haswell") and not name.endswith("-x64"))
    minutes, seconds = divmod(run["wall_seconds"], 60)
    return [f"runs the NUnit suite ({main_pass} tests in five projects",
            f"a fresh clone of commit {run['commit'][:7]}",
            f"in {minutes} min {seconds} s, build and llama.cpp download included: {run['passed']} passed, {run['failed']} failed"]
