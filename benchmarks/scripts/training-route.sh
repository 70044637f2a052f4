#!/usr/bin/env bash
# Measures the routes for making LoRA adapters with llama.cpp's training (benchmarks/results/training-route.md):
# on stories260K, train on 500 train items of a task and score 200 of its test items (mean NLL of the gold
# answer, paired against the base model), for
#   - fine-tuning the target projections, then the rank-r truncated SVD of the change (r = 2, 4, 8, 16);
#   - training rank-r LoRA factors directly (r = 2, 4, 8, 16);
#   - a full fine-tune of every trainable tensor (the server-model route);
#   - learning-rate neighbours of the chosen settings.
# Usage: benchmarks/scripts/training-route.sh MODEL.gguf [TASK ...]   (default tasks: siqa obqa)
# Each task's evaluation is kept as $RESULTS_DIR/training-route-TASK.json (default benchmarks/results), the file
# behind training-route.md's tables; the trained models and adapters are temporary.
# MODEL is stories260K as F32 GGUF, e.g. from: ./crayon import llama2c --model stories260K.bin --tokenizer tok512.bin -o MODEL.gguf
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="${1:?usage: $0 MODEL.gguf [TASK ...]}"
shift
tasks=("${@:-siqa}")
[[ $# -eq 0 ]] && tasks=(siqa obqa)
[[ -f "$model" ]] || { echo "no model at $model" >&2; exit 1; }
export CRAYON_DATA="${CRAYON_DATA:-$root/../shared/data}"
"$root/scripts/setup.sh"
crayon() { dotnet "$root/artifacts/bin/Crayon.Cli/release/Crayon.Cli.dll" "$@"; }
results_dir="${RESULTS_DIR:-$root/benchmarks/results}"
mkdir -p "$results_dir"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
targets=attn_q,attn_output,ffn_gate,ffn_up,ffn_down

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for task in "${tasks[@]}"; do
  d="$out/$task"; mkdir -p "$d"
  data=(--task "$task" --max-items 500 --seed 1)
  echo "== $task"
  run() { local name="$1"; shift; echo "-- $name"; crayon train "$@" "${data[@]}" | grep -v '^\s*$' | tail -n 2; }
  run "targets lr 1e-3" full -m "$model" --targets "$targets" --lr 1e-3 --epochs 2 -o "$d/targets.gguf"
  run "targets lr 3e-4" full -m "$model" --targets "$targets" --lr 3e-4 --epochs 2 -o "$d/targets-3e-4.gguf"
  run "targets lr 3e-3" full -m "$model" --targets "$targets" --lr 3e-3 --epochs 2 -o "$d/targets-3e-3.gguf"
  for r in 2 4 8 16; do crayon train extract --base "$model" --tuned "$d/targets.gguf" -r "$r" -o "$d/extract-r$r.gguf" >/dev/null; done
  crayon train extract --base "$model" --tuned "$d/targets-3e-4.gguf" -r 8 -o "$d/extract-3e-4-r8.gguf" >/dev/null
  for r in 2 4 8 16; do
    run "factors r$r lr 3e-3" lora -m "$model" -r "$r" --lr 3e-3 --epochs 2 -o "$d/factors-r$r.gguf"
    run "factors r$r lr 1e-2" lora -m "$model" -r "$r" --lr 1e-2 --epochs 2 -o "$d/factors-1e-2-r$r.gguf"
  done
  run "factors r8 lr 1e-3" lora -m "$model" -r 8 --lr 1e-3 --epochs 2 -o "$d/factors-1e-3-r8.gguf"
  run "factors r8 lr 3e-3, 4 epochs" lora -m "$model" -r 8 --lr 3e-3 --epochs 4 -o "$d/factors-4ep-r8.gguf"
  run "all lr 1e-3" full -m "$model" --lr 1e-3 --epochs 2 -o "$d/all.gguf"
  loras=()
  for f in extract-r2 extract-r4 extract-r8 extract-r16 extract-3e-4-r8 factors-r2 factors-r4 factors-r8 factors-r16 \
           factors-1e-2-r2 factors-1e-2-r4 factors-1e-2-r8 factors-1e-2-r16 factors-1e-3-r8 factors-4ep-r8; do
    loras+=(--lora "$d/$f.gguf")
  done
  crayon train eval -m "$model" "${loras[@]}" --compare-model "$d/targets.gguf" --compare-model "$d/targets-3e-4.gguf" \
    --compare-model "$d/targets-3e-3.gguf" --compare-model "$d/all.gguf" --task "$task" --max-items 200 --seed 1 --out "$d/eval.json" >/dev/null
  cp "$d/eval.json" "$results_dir/training-route-$task.json"
  jq -r '.[] | "\(.Variant)\t\(.MeanNll*100|round/100)\t\(.DeltaNll*100|round/100) ± \(.DeltaNllStandardError*100|round/100)\t\(.Accuracy*1000|round/10)%"' "$d/eval.json"
done
