#!/usr/bin/env python3
"""Records one run of the test suite as a result file, so the README's suite figures are checked like any other number.

Usage: scripts/record-suite-run.py LOG START_EPOCH END_EPOCH COMMIT CACHES OUT.json
  LOG      the console output of `CI=true bash .ci/run` (its per-project lines and the final "N passed, N failed")
  CACHES   how the run started: "cold" (empty NuGet, npm and Mesa caches, a fresh clone) or "warm"
The machine (CPU model, cores, AVX-512 or not) and the load average when this script runs are recorded too.
"""
import json
import os
import platform
import re
import sys


def cpu_model():
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        text = f.read()
    model = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
    return (model.group(1).strip() if model else platform.processor()), re.search(r"\bavx512f\b", text) is not None


def main(argv):
    if len(argv) != 7:
        sys.exit(__doc__)
    log_path, start, end, commit, caches, out = argv[1:]
    if caches not in ("cold", "warm"):
        sys.exit(f"CACHES must be cold or warm, not {caches!r}")
    with open(log_path, encoding="utf-8", errors="replace") as f:
        log = f.read()
    final = re.findall(r"^(\d+) passed, (\d+) failed$", log, re.M)
    if not final:
        sys.exit(f"{log_path}: no final 'N passed, N failed' line")
    projects = {name: {"passed": int(p), "failed": int(f), "skipped": int(s)}
                for name, p, f, s in re.findall(r"^(Crayon\.[\w.-]+): (\d+) passed, (\d+) failed, (\d+) skipped$", log, re.M)}
    model, avx512 = cpu_model()
    record = {
        "benchmark": "suite",
        "command": "CI=true bash .ci/run",
        "commit": commit,
        "caches": caches,
        "wall_seconds": int(end) - int(start),
        "passed": int(final[-1][0]),
        "failed": int(final[-1][1]),
        "projects": projects,
        "machine": {"cpu": model, "cores": os.cpu_count(), "avx512": avx512, "os": platform.platform(),
                    "load_average_after": " ".join(f"{v:.2f}" for v in os.getloadavg())},
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    print(f"wrote {out}: {record['passed']} passed, {record['failed']} failed in {record['wall_seconds']} s ({caches})")


if __name__ == "__main__":
    main(sys.argv)
