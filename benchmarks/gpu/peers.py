#!/usr/bin/env python3
"""PyTorch and PEFT on the same GPU, for the same work as Crayon's blend benchmarks (run by benchmarks/gpu/run.sh).

Sections (each skipped, never fatal, when its library is missing or the time budget is spent):
  copy    device-to-device copy bandwidth (bytes read + written), the ceiling a memory-bound blend is held to
  flat    out = tensordot(w, X) and (w[:, None] * X).sum(0) over X = [N, E] for the pool sizes of `crayon bench blend`
          (16 MiB .. 1 GiB, fp16 and fp32, N = 8 and 32); bytes = X read + out written, like Crayon's
  shapes  the real LoRA shapes of `crayon bench blend --shape` (Llama-3.2-1B N = 8, 32; Llama-3-8B N = 8; fp16):
          tensordot over all tensors as one flat [N, E] buffer, tensordot per tensor, and concat per tensor
  peft    PEFT add_weighted_adapter ("linear" and "cat") on a Llama-3.2-1B-shaped LlamaForCausalLM with random
          weights on the GPU (no download) and N = 8, 32 rank-16 LoRA adapters on all seven linear modules (fp16)
Timing: CUDA events after warm-up, median and best of the repetitions (perf_counter on the CPU in --smoke).
Writes one JSON file (--out).
"""
import argparse
import json
import platform
import statistics
import sys
import time
import traceback

MIB = 1 << 20
MODULES = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
# name: hidden, layers, heads, kv heads, head dim, ff, vocab, rank  (as in src/Crayon/Benchmarking/LoraShape.cs)
SHAPES = {
    "llama-3.2-1b": dict(hidden=2048, layers=16, heads=32, kv_heads=8, head_dim=64, ff=8192, vocab=128256, rank=16),
    "llama-3-8b": dict(hidden=4096, layers=32, heads=32, kv_heads=8, head_dim=128, ff=14336, vocab=128256, rank=16),
    "smoke": dict(hidden=256, layers=2, heads=4, kv_heads=2, head_dim=64, ff=512, vocab=2048, rank=8),
}


def lora_targets(shape):
    """(in, out) of every LoRA target, layer by layer, in Crayon's module order (q, k, v, o, gate, up, down)."""
    h, kv, ff = shape["hidden"], shape["kv_heads"] * shape["head_dim"], shape["ff"]
    per_layer = [(h, h), (h, kv), (h, kv), (h, h), (h, ff), (h, ff), (ff, h)]
    return per_layer * shape["layers"]


class Clock:
    def __init__(self, torch, device):
        self.torch, self.cuda = torch, device.startswith("cuda")

    def sync(self):
        if self.cuda:
            self.torch.cuda.synchronize()

    def time(self, fn, reps, warmup=2):
        """Best and median microseconds of fn()."""
        for _ in range(warmup):
            fn()
        self.sync()
        samples = []
        for _ in range(reps):
            if self.cuda:
                start, end = self.torch.cuda.Event(enable_timing=True), self.torch.cuda.Event(enable_timing=True)
                start.record()
                fn()
                end.record()
                end.synchronize()
                samples.append(start.elapsed_time(end) * 1000.0)
            else:
                t0 = time.perf_counter()
                fn()
                samples.append((time.perf_counter() - t0) * 1e6)
        return min(samples), statistics.median(samples)


def release(torch):
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def copy_section(torch, device, clock, sizes_mib, reps):
    rows = []
    for mib in sizes_mib:
        n = mib * MIB // 4
        src = torch.ones(n, dtype=torch.float32, device=device)
        dst = torch.empty_like(src)
        best, median = clock.time(lambda: dst.copy_(src), reps)
        rows.append({"bytes": n * 4, "best_us": round(best, 2), "median_us": round(median, 2), "gb_per_s": round(2 * n * 4 / (best * 1e3), 3)})
        del src, dst
        release(torch)
    return rows


def flat_section(torch, device, clock, sizes_mib, adapters, dtypes, reps, out_of_time):
    rows = []
    for dtype_name in dtypes:
        dtype = getattr(torch, dtype_name)
        size = torch.tensor([], dtype=dtype).element_size()
        for n in adapters:
            for mib in sizes_mib:
                if out_of_time():
                    return rows
                pool_bytes = mib * MIB
                e = pool_bytes // (n * size)
                x = torch.randn(n, e, dtype=dtype, device=device)
                w = torch.randn(n, dtype=dtype, device=device)
                moved = n * e * size + e * size  # pool read + output written (torch writes in the input dtype)
                td_best, td_median = clock.time(lambda: torch.tensordot(w, x, dims=1), reps)
                ms_best, ms_median = clock.time(lambda: (w[:, None] * x).sum(0), reps)
                rows.append({
                    "dtype": dtype_name, "adapters": n, "pool_bytes": n * e * size, "bytes_moved": moved,
                    "tensordot_best_us": round(td_best, 2), "tensordot_median_us": round(td_median, 2),
                    "tensordot_gb_per_s": round(moved / (td_best * 1e3), 3),
                    "mulsum_best_us": round(ms_best, 2), "mulsum_median_us": round(ms_median, 2),
                    "mulsum_gb_per_s": round(moved / (ms_best * 1e3), 3),
                })
                del x, w
                release(torch)
    return rows


def shapes_section(torch, device, clock, cases, reps, out_of_time):
    rows = []
    dtype = torch.float16 if device.startswith("cuda") else torch.float32  # CPU builds may lack fp16 matmul
    size = torch.tensor([], dtype=dtype).element_size()
    for name, n in cases:
        if out_of_time():
            break
        shape = SHAPES[name]
        r = shape["rank"]
        targets = lora_targets(shape)
        # Per tensor: A_i [N, r, in], B_i [N, out, r]; flat: every tensor of an adapter end to end, [N, E].
        a = [torch.randn(n, r, i, dtype=dtype, device=device) for i, _ in targets]
        b = [torch.randn(n, o, r, dtype=dtype, device=device) for _, o in targets]
        e = sum(r * (i + o) for i, o in targets)
        flat = torch.randn(n, e, dtype=dtype, device=device)
        w = torch.randn(n, dtype=dtype, device=device)
        wa = w[:, None, None]

        def per_tensor():
            for t in a + b:
                torch.tensordot(w, t, dims=1)

        def concat():
            for t in a:  # A' = [w_i A_i] stacked on rows
                (wa * t).reshape(n * r, t.shape[2])
            for t in b:  # B' = [B_i] stacked on columns
                t.permute(1, 0, 2).reshape(t.shape[1], n * r)

        fl_best, fl_median = clock.time(lambda: torch.tensordot(w, flat, dims=1), reps)
        pt_best, pt_median = clock.time(per_tensor, reps)
        cat_best, cat_median = clock.time(concat, reps)
        rows.append({
            "shape": name, "adapters": n, "rank": r, "tensors": 2 * len(targets), "elements_per_adapter": e, "dtype": str(dtype).replace("torch.", ""),
            "linear_bytes_moved": (n + 1) * e * size, "concat_bytes_moved": 2 * n * e * size,
            "tensordot_flat_ms": round(fl_best / 1000, 4), "tensordot_flat_median_ms": round(fl_median / 1000, 4),
            "tensordot_per_tensor_ms": round(pt_best / 1000, 4), "tensordot_per_tensor_median_ms": round(pt_median / 1000, 4),
            "cat_per_tensor_ms": round(cat_best / 1000, 4), "cat_per_tensor_median_ms": round(cat_median / 1000, 4),
        })
        del a, b, flat, w, wa
        release(torch)
    return rows


def peft_section(torch, device, clock, shape_name, adapters, reps, out_of_time):
    try:
        import peft
        import transformers
        from peft import LoraConfig, get_peft_model
        from transformers import LlamaConfig, LlamaForCausalLM
    except ImportError as e:
        return {"available": False, "reason": f"{e.name or e} is not installed"}
    info = {"available": True, "peft": peft.__version__, "transformers": transformers.__version__, "shape": shape_name, "results": []}
    shape = SHAPES[shape_name]
    config = LlamaConfig(vocab_size=shape["vocab"], hidden_size=shape["hidden"], intermediate_size=shape["ff"],
                         num_hidden_layers=shape["layers"], num_attention_heads=shape["heads"], num_key_value_heads=shape["kv_heads"],
                         head_dim=shape["head_dim"], max_position_embeddings=2048, tie_word_embeddings=True)
    t0 = time.perf_counter()
    with torch.device(device):
        model = LlamaForCausalLM(config)
    model = model.to(dtype=torch.float16).eval()
    info["model_build_s"] = round(time.perf_counter() - t0, 2)
    lora = LoraConfig(r=shape["rank"], lora_alpha=2 * shape["rank"], target_modules=MODULES, lora_dropout=0.0, init_lora_weights=False)
    t0 = time.perf_counter()
    try:
        peft_model = get_peft_model(model, lora, adapter_name="a0", autocast_adapter_dtype=False)
    except TypeError:  # PEFT before autocast_adapter_dtype
        peft_model = get_peft_model(model, lora, adapter_name="a0")
    for i in range(1, max(adapters)):
        peft_model.add_adapter(f"a{i}", lora)
    for pname, p in peft_model.named_parameters():
        if "lora_" in pname:
            p.data = p.data.to(torch.float16)
    info["attach_s"] = round(time.perf_counter() - t0, 2)
    info["adapter_bytes"] = sum(p.numel() * p.element_size() for pname, p in peft_model.named_parameters() if "lora_" in pname and ".a0." in pname)
    for combination in ("linear", "cat"):
        for n in adapters:
            if out_of_time():
                info["skipped"] = "time budget spent"
                return info
            names = [f"a{i}" for i in range(n)]
            weights = [1.0 / n] * n
            samples = []
            for rep in range(reps + 1):  # the first is a warm-up
                clock.sync()
                t0 = time.perf_counter()
                peft_model.add_weighted_adapter(names, weights, adapter_name="blend", combination_type=combination)
                clock.sync()
                if rep > 0:
                    samples.append((time.perf_counter() - t0) * 1000)
                peft_model.delete_adapter("blend")
            info["results"].append({"combination": combination, "adapters": n, "median_ms": round(statistics.median(samples), 3),
                                    "best_ms": round(min(samples), 3), "samples_ms": [round(s, 3) for s in samples]})
    del peft_model, model
    release(torch)
    return info


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (CI); runs on the CPU when there is no CUDA device")
    parser.add_argument("--sections", default="copy,flat,shapes,peft")
    parser.add_argument("--budget", type=float, default=270, help="seconds after which remaining work is skipped")
    args = parser.parse_args()
    started = time.perf_counter()
    result = {"benchmark": "pytorch peers", "python": platform.python_version(), "host": platform.node(), "smoke": args.smoke,
              "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "errors": []}

    def write():
        result["seconds"] = round(time.perf_counter() - started, 1)
        with open(args.out, "w") as f:
            json.dump(result, f, indent=1)

    try:
        import torch
    except ImportError:
        result["error"] = "torch is not installed"
        result["peft"] = {"available": False, "reason": "torch is not installed"}
        write()
        print("peers: torch is not installed; nothing measured")
        return 0
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cpu" and not args.smoke:
        result["errors"].append("no CUDA device: measuring on the CPU")
    result["versions"] = {"torch": torch.__version__, "cuda": getattr(torch.version, "cuda", None)}
    result["device"] = torch.cuda.get_device_name(0) if device == "cuda" else platform.processor() or "cpu"
    if device == "cuda":
        props = torch.cuda.get_device_properties(0)
        result["device_memory_bytes"] = props.total_memory
    clock = Clock(torch, device)
    sections = set(args.sections.split(","))
    out_of_time = lambda: time.perf_counter() - started > args.budget  # noqa: E731

    if args.smoke:
        sizes, adapters, reps = [1, 4], [2, 4], 3
        shape_cases, peft_shape, peft_adapters = [("smoke", 2), ("smoke", 4)], "smoke", [2, 4]
    else:
        sizes, adapters, reps = [16, 32, 64, 128, 256, 512, 1024], [8, 32], 10
        shape_cases, peft_shape, peft_adapters = [("llama-3.2-1b", 8), ("llama-3.2-1b", 32), ("llama-3-8b", 8)], "llama-3.2-1b", [8, 32]

    def run(name, fn):
        if name not in sections:
            return
        if out_of_time():
            result["errors"].append(f"{name}: skipped, time budget spent")
            return
        try:
            result[name] = fn()
        except Exception as e:  # recorded, never fatal: the other sections still run
            result["errors"].append(f"{name}: {type(e).__name__}: {e}")
            traceback.print_exc()
            release(torch)
        write()

    run("copy", lambda: copy_section(torch, device, clock, [s for s in sizes if s >= 4] or sizes, reps))
    dtypes = ["float16", "float32"] if device == "cuda" else ["float32"]  # CPU builds may lack fp16 matmul
    run("flat", lambda: flat_section(torch, device, clock, sizes, adapters, dtypes, reps, out_of_time))
    run("shapes", lambda: shapes_section(torch, device, clock, shape_cases, reps, out_of_time))
    run("peft", lambda: peft_section(torch, device, clock, peft_shape, peft_adapters, 3, out_of_time))
    write()
    print(f"peers: wrote {args.out} in {result['seconds']} s on {result['device']}"
          + (f"; errors: {result['errors']}" if result["errors"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
