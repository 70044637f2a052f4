#!/usr/bin/env python3
"""Collects one GPU run (benchmarks/gpu/run.sh) into its results folder and prints the summary table last.

    collect.py WORK OUT

WORK holds machine.txt, steps.tsv, the benchmarks' JSON files and logs/; OUT receives results.json (everything),
summary.md (the table) and log.txt (every step's output, cut to stay small). Works with any subset of steps.
Only the JSON of steps this run recorded in steps.tsv is collected: a file left in WORK by an earlier run (another
--steps call) must never pass for this run's result.
"""
import json
import os
import sys

LOG_LIMIT = 4 << 20


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        return {"unreadable": f"{os.path.basename(path)}: {e}"}


def machine(work):
    info = {}
    try:
        for line in open(os.path.join(work, "machine.txt")):
            key, _, value = line.rstrip("\n").partition("=")
            if key:
                info[key] = value
    except OSError:
        pass
    return info


def steps(work):
    rows = []
    try:
        for line in open(os.path.join(work, "steps.tsv")):
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 4:
                rows.append({"step": parts[0], "status": parts[1], "seconds": float(parts[2]), "detail": parts[3]})
    except OSError:
        pass
    return rows


def fmt(value, digits=1):
    return "" if value is None else f"{value:,.{digits}f}"


def blend_rows(doc):
    return doc.get("results", []) if isinstance(doc, dict) else []


def summarize(results):
    lines = []
    add = lines.append
    m = results["machine"]
    add(f"# Crayon GPU run {m.get('date_utc', '')}")
    add("")
    add(f"- GPU: {m.get('nvidia_smi', 'n/a')}")
    add(f"- CPU: {m.get('cpu', '')} ({m.get('cores', '')} cores); bundle {m.get('bundle_commit', 'n/a')[:12]}; smoke={m.get('smoke', '0')}")
    add("")
    b = results.get("benchmarks", {})
    peers = b.get("peers", {}) if isinstance(b.get("peers"), dict) else {}
    torch_copy = max((r.get("gb_per_s", 0) for r in peers.get("copy", [])), default=None)

    sweep = blend_rows(b.get("blend"))
    if sweep:
        add("## Blend bandwidth (linear, Vulkan) vs. the same run's copy")
        add("| storage | N | pool MiB | blend GB/s | copy GB/s | % of copy | torch tensordot GB/s | vs tensordot |")
        add("|---|---|---|---|---|---|---|---|")
        flat = {(p.get("dtype"), p.get("adapters"), p.get("pool_bytes")): p for p in peers.get("flat", [])}
        for r in sweep:
            peer = flat.get(({"f16": "float16", "f32": "float32"}.get(r["storage"]), r["adapters"], r["pool_bytes"]))
            td = peer.get("tensordot_gb_per_s") if peer else None
            ratio = (r["blend_best_us"] and peer and peer.get("tensordot_best_us") and peer["tensordot_best_us"] / r["blend_best_us"])
            add(f"| {r['storage']} | {r['adapters']} | {r['pool_bytes'] / 2**20:.0f} | {fmt(r['blend_gb_per_s'])} | {fmt(r['copy_gb_per_s'])} | "
                f"{fmt(r['percent_of_copy'])} | {fmt(td)} | {fmt(ratio, 2) + 'x' if ratio else ''} |")
        big = [r for r in sweep if r["pool_bytes"] >= 256 << 20]
        if big:
            worst = min(big, key=lambda r: r["percent_of_copy"])
            add(f"\nPools of 256 MiB and more: lowest {worst['percent_of_copy']:.1f}% of copy ({worst['storage']}, N={worst['adapters']}, "
                f"{worst['pool_bytes'] / 2**20:.0f} MiB); target 95%. torch D2D copy best {fmt(torch_copy)} GB/s.")
        add("")

    shape_rows = blend_rows(b.get("shapes-1b")) + blend_rows(b.get("shapes-8b"))
    if shape_rows:
        add("## Real LoRA shapes (fp16 storage; concat stacks all N)")
        add("| shape | mode | N | ms | GB/s | % of copy | torch ms (flat tensordot / per-tensor / cat) | PEFT ms |")
        add("|---|---|---|---|---|---|---|---|")
        peer_shapes = {(p.get("shape"), p.get("adapters")): p for p in peers.get("shapes", [])}
        peft = {(p.get("combination"), p.get("adapters")): p for p in (peers.get("peft", {}) or {}).get("results", [])}
        for r in shape_rows:
            p = peer_shapes.get((r.get("shape"), r["adapters"]), {})
            torch_ms = (f"{fmt(p.get('tensordot_flat_ms'), 3)} / {fmt(p.get('tensordot_per_tensor_ms'), 3)} / {fmt(p.get('cat_per_tensor_ms'), 3)}"
                        if p else "")
            pe = peft.get(("linear" if r["mode"] == "linear" else "cat", r["adapters"])) if r.get("shape") == "llama-3.2-1b" else None
            add(f"| {r.get('shape')} | {r['mode']} | {r['adapters']} | {r['blend_best_us'] / 1000:.3f} | {fmt(r['blend_gb_per_s'])} | "
                f"{fmt(r['percent_of_copy'])} | {torch_ms} | {fmt(pe.get('median_ms'), 1) if pe else ''} |")
        add("")

    recipe_rows = blend_rows(b.get("recipes")) + blend_rows(b.get("recipes-1b"))
    if recipe_rows:
        add("## Merge recipes beside linear (bytes: N adapters read + one fp32 adapter written)")
        add("| shape or pool MiB | storage | N | recipe | ms | GB/s | % of copy |")
        add("|---|---|---|---|---|---|---|")
        for r in recipe_rows:
            where = r.get("shape") or f"{r['pool_bytes'] / 2**20:.0f}"
            add(f"| {where} | {r['storage']} | {r['adapters']} | {r['mode']} | {r['blend_best_us'] / 1000:.3f} | "
                f"{fmt(r['blend_gb_per_s'])} | {fmt(r['percent_of_copy'])} |")
        add("")

    for key, title in (("tune", "Kernel tuning: best per pool (one knob at a time)"),
                       ("tune-cap", "Kernel tuning: cap on dispatched workgroups (wg 256, loads 1, unroll 4), every cap")):
        tune = b.get(key)
        if not isinstance(tune, dict) or not tune.get("best"):
            continue
        rows = tune["best"] if key == "tune" else tune.get("results", [])
        add(f"## {title}")
        add("| storage | N | pool MiB | workgroup | loads | unroll | max workgroups | GB/s | % of copy |")
        add("|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            t = r.get("tuning", {})
            cap = t.get("max_workgroups") or "65535 (default)"
            add(f"| {r['storage']} | {r['adapters']} | {r['pool_bytes'] / 2**20:.0f} | {t.get('workgroup_size')} | {t.get('loads_per_thread')} | "
                f"{t.get('adapter_unroll')} | {cap} | {fmt(r['blend_gb_per_s'])} | {fmt(r['percent_of_copy'])} |")
        add("")

    for key, title in (("swap", "Swap (linear)"), ("swap-concat", "Swap (concat top-4)")):
        s = b.get(key)
        if not isinstance(s, dict) or "in_memory" not in s:
            continue
        add(f"## {title}: alpha in to adapter live, N={s.get('pool_adapters')} ({s.get('model')}), ms median")
        phases = []
        groups = ("in_memory", "from_file", "in_place", "in_place_sequential")
        for group in groups:
            for phase in s.get(group, {}):
                if phase not in phases:
                    phases.append(phase)
        add("| phase | in memory | through a file | in place (pipelined) | in place, sequential |")
        add("|---|---|---|---|---|")
        for phase in phases:
            cells = [fmt(s.get(g, {}).get(phase, {}).get("median", None) and s[g][phase]["median"] / 1000, 3) for g in groups]
            add(f"| {phase} | {' | '.join(cells)} |")
        add(f"\nsteady decode {fmt(s.get('steady_decode', {}).get('median', 0) / 1000, 3)} ms; first-token overhead: after a set "
            f"{fmt(s.get('first_token_overhead_median', 0) / 1000, 3)} ms, in place {fmt(s.get('in_place_first_token_overhead_median', 0) / 1000, 3)} ms; "
            f"in-place image pinned={s.get('in_place_image_pinned')}, logits vs fresh load max diff {s.get('in_place_max_logit_difference')}; "
            f"pipelined: {s.get('in_place_chunks')} chunks of at most {(s.get('in_place_chunk_bytes') or 1 << 20) >> 10} KiB read back, "
            f"{s.get('in_place_uploads_median')} uploads (median), live at upload_done")
        add("")

    chunk_bytes = lambda s: s.get("in_place_chunk_bytes") or 1 << 20  # 0: the default, 1 MiB
    chunked = sorted((s for k, s in b.items() if (k == "swap" or k.startswith("swap-chunk-")) and isinstance(s, dict) and "in_place" in s),
                     key=chunk_bytes)
    if len(chunked) > 1:
        add("## Pipelined in-place swap by chunk size (linear), ms median")
        add("| chunk KiB | chunks | uploads | first_landed | read_back_done | upload_done (live) | uploading | sequential: blend_call + upload |")
        add("|---|---|---|---|---|---|---|---|")
        for s in chunked:
            p = s["in_place"]
            cell = lambda phase: fmt(p.get(phase, {}).get("median", 0) / 1000, 3)
            seq = s.get("in_place_sequential", {})
            add(f"| {chunk_bytes(s) >> 10} | {s.get('in_place_chunks')} | {s.get('in_place_uploads_median')} | {cell('first_landed')} | {cell('read_back_done')} | "
                f"{cell('upload_done')} | {cell('uploading')} | "
                f"{fmt((seq.get('blend_call', {}).get('median', 0) + seq.get('upload', {}).get('median', 0)) / 1000, 3)} |")
        add("")

    d = b.get("decode")
    if isinstance(d, dict) and d.get("results"):
        add(f"## Decode ({d.get('model')}, {d.get('tokens')} greedy steps)")
        add("| configuration | adapters | rank | tokens/s | vs none | vs single |")
        add("|---|---|---|---|---|---|")
        for r in d["results"]:
            add(f"| {r['configuration']} | {r['adapters_applied']} | {r['rank']} | {fmt(r['tokens_per_s_median'])} | {fmt(r.get('vs_none'), 3)} | {fmt(r.get('vs_single'), 3)} |")
        add("")

    if peers:
        peft_info = peers.get("peft") or {}
        add(f"## Peers: torch {peers.get('versions', {}).get('torch', 'n/a')}, PEFT {'available' if peft_info.get('available') else 'missing: ' + str(peft_info.get('reason', ''))}")
        for r in peft_info.get("results", []):
            add(f"- PEFT add_weighted_adapter {r['combination']} N={r['adapters']}: {fmt(r['median_ms'])} ms")
        for e in peers.get("errors", []):
            add(f"- error: {e}")
        add("")

    add("## Steps")
    add("| step | status | seconds |")
    add("|---|---|---|")
    for s in results["steps"]:
        add(f"| {s['step']} | {s['status']} ({s['detail']}) | {s['seconds']:.1f} |")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    work, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    results = {"machine": machine(work), "steps": steps(work), "benchmarks": {}}
    ran = {s["step"] for s in results["steps"]}
    for name in sorted(os.listdir(work)):
        if name.endswith(".json") and name[:-5] in ran:
            results["benchmarks"][name[:-5]] = load_json(os.path.join(work, name))
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    logs = os.path.join(work, "logs")
    with open(os.path.join(out, "log.txt"), "w") as f:
        written = 0
        for name in sorted(os.listdir(logs)) if os.path.isdir(logs) else []:
            text = open(os.path.join(logs, name), errors="replace").read()
            if len(text) > 400_000:
                text = text[:200_000] + "\n[... cut ...]\n" + text[-200_000:]
            chunk = f"===== {name} =====\n{text}\n"
            if written + len(chunk) > LOG_LIMIT:
                f.write(f"===== {name}: left out (log limit) =====\n")
                continue
            f.write(chunk)
            written += len(chunk)
    summary = summarize(results)
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(summary)
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
