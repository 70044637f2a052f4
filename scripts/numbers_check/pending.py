"""Lines whose measured numbers are not yet bound to their result file by a claim or a generated table: the
check's known debt, printed as a count on every run so it cannot hide. Each entry is (document, the line's opening
text, the result file(s) its numbers come from); every number on a line that begins with that text is accounted
for as PENDING. Turn an entry into a claim (claims*.py) or a generated table (tables.py) and delete it; an entry
whose line no longer exists fails the check.
"""

README = "README.md"
RESULTS = "benchmarks/RESULTS.md"
NOTES = "benchmarks/blend-tuning-notes.md"

PENDING = [
    (RESULTS, '71-77 µs whatever the tuning (workgroup 128-512, 1-2 loads, ', 'gpu-h200-2026-11-21T1305.json, T1258, T1438 (blend, tune), tune-h200-focus-2026-11-21T1302.json'),
    (RESULTS, 'workgroups at 528-4224 raised its percentage only by slowing', 'gpu-h200-2026-11-21T1305.json, T1258, T1438 (blend, tune), tune-h200-focus-2026-11-21T1302.json'),
    (RESULTS, 'kernels of 5-30 µs are dominated by that ramp and their perc', 'gpu-h200-2026-11-21T1305.json, T1258, T1438 (blend, tune), tune-h200-focus-2026-11-21T1302.json'),
    (RESULTS, 'dare_linear 246-977, dare_ties 473-548, magnitude_prune 918-', 'gpu-h100-2026-12-06T1450.json (recipes)'),
    (NOTES, 'Devices: H100 (SXM: HBM3, 3.35 TB/s peak; PCIe card: 2.0 TB/', "device specs and ../shared/docs/GPU.md's measurements (outside this repo)"),
    (NOTES, "H200 of `../shared/docs/GPU.md`, PyTorch's device-to-device ", "device specs and ../shared/docs/GPU.md's measurements (outside this repo)"),
    (NOTES, 'copy and blend alternating (`vkCmdCopyBuffer` is also record', 'arithmetic from the stated definitions (bytes = N·E·s + 4·E; time = bytes / the stated ceiling)'),
    (NOTES, '| K1 | linear, pools ≥ 256 MiB, fp16 and fp32, N = 8 and 32 ', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| K2 | pools of 16-64 MiB | 70-95 % of copy; both pay the sa', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| K3 | workgroup size 64 / 128 / 256 / 512 / 1024 (loads 4, ', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| K4 | loads per thread 1 / 2 / 4 / 8 / 16 (wg 256, unroll 4', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| K5 | adapter unroll 1 / 2 / 4 / 8 (wg 256, loads 4) | 1: 3', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| K6 | fp16 vs fp32 storage at the same pool bytes | same % ', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, "| K7 | concat (k = N) | 80-95 % of copy: B's stacked columns", 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| K8 | Llama-3.2-1B linear N=8 (225 MB moved) | 85-95 % of c', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| K9 | vs PyTorch tensordot, same bytes (peers.py, flat [N, ', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| K10 | vs PyTorch tensordot per tensor (224 calls for the 1', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| K11 | vs PEFT add_weighted_adapter, 1B shape (GPU.md: line', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| K12 | the defaults (256 / 4 / 4) | stay the defaults: with', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| S1 | in place (`InPlaceAdapter`), linear N = 32: alpha in ', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| S2 | in place: first decode after the swap vs a decode wit', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| S3 | through memory (GGUF image, load, set): total | 30-60', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| S4 | through a file | within 20 % of memory (the write and', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| S5 | in-place logits vs a fresh load of the same blend | i', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| S6 | pipelined in place (`InPlaceAdapter.SwapFrom`, 1 MiB ', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| S7 | pipelined, chunk size 256 / 512 / 1024 / 4096 KiB (`s', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| S8 | sequential in place (the S1 path, now `in_place_seque', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| D1 | decode, no adapter | 250-450 tokens/s | Faster than p', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| D2 | one plain LoRA (rank 16 on all 7 modules) | 0.75-0.9x', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| D3 | linear blend vs one plain LoRA | 0.98-1.02x (the same', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| D4 | concat top-4 (rank 64) vs one plain LoRA | 0.93-1.0x:', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
    (NOTES, '| D5 | runtime mix of k (2, 4, 8) | cost grows linearly in k', 'gpu-h200-2026-11-21T1258/T1305/T1438/T1440.json, tune-h200-*.json'),
]
