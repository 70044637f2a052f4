#!/usr/bin/env bash
# Crayon on an NVIDIA GPU host (../shared/docs/GPU.md): unpacks the bundle made by scripts/gpu-bundle.sh, installs
# the Vulkan loader it carries, records the device, runs the benchmarks, and writes ONE results folder:
#   $OUT/results.json  every benchmark's JSON, the machine and driver, each step's status and time
#   $OUT/summary.md    the short table (also printed last)
#   $OUT/log.txt       every step's output
# Run from the repository root:  benchmarks/gpu/run.sh [options]
#   --steps LIST     steps to run, comma-separated (default: all): devices,blend,shapes,recipes,tune,swap,decode,serve,peers
#                    (split into two calls: --steps devices,blend,shapes,recipes,tune  then  --steps swap,decode,serve,peers;
#                    each call's results.json holds that call's steps only)
#   --smoke          tiny sizes on whatever device there is (lavapipe via GGML_VK_VISIBLE_DEVICES=0, or the CPU): CI
#   --bundle FILE    the archive (default dist/gpu-bundle.tar.xz); --app DIR runs an unpacked app instead
#   --out DIR        results folder (default $OUT, else ./gpu-results)
#   --deadline S     stop starting steps after S seconds (default 540: one 10-minute call with room to collect)
# A failing step is recorded and the next one runs; every step has its own time budget.
set -uo pipefail
started_at=$(date +%s)
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
steps="devices,blend,shapes,recipes,tune,swap,decode,serve,peers"
smoke=0
bundle="$repo/dist/gpu-bundle.tar.xz"
app=""
out="${OUT:-$repo/gpu-results}"
deadline=540
while (( $# > 0 )); do
  case "$1" in
    --steps) steps="$2"; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --bundle) bundle="$2"; shift 2 ;;
    --app) app="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --deadline) deadline="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for s in ${steps//,/ }; do
  case "$s" in devices|blend|shapes|recipes|tune|swap|decode|serve|peers) ;; *) echo "run.sh: unknown step '$s'" >&2; exit 2 ;; esac
done
wants() { [[ ",$steps," == *",$1,"* ]]; }

base="${CRAYON_GPU_WORK:-/tmp/crayon-gpu}"
work="$base/work"
mkdir -p "$work/logs" "$out"
# This run's results only: JSON and logs of an earlier call (e.g. the other half of --steps) must not be collected as its own.
rm -f "$work"/*.json "$work"/logs/*.log
: > "$work/steps.tsv"
say() { echo "[$(date +%H:%M:%S)] $*"; }

# --- the app --------------------------------------------------------------------------------------
if [[ -z "$app" ]]; then
  [[ -f "$bundle" ]] || { echo "run.sh: bundle $bundle not found (make it with scripts/gpu-bundle.sh, carry dist/gpu-bundle.tar.xz)" >&2; exit 2; }
  stamp="$(stat -c '%s %Y' "$bundle")"
  if [[ "$(cat "$base/bundle/.stamp" 2>/dev/null)" != "$stamp" ]]; then
    say "unpacking $(basename "$bundle") ($(( $(stat -c %s "$bundle") >> 20 )) MiB)"
    rm -rf "$base/bundle"; mkdir -p "$base/bundle"
    tar -C "$base/bundle" -xJf "$bundle" || { echo "run.sh: could not unpack $bundle" >&2; exit 2; }
    echo "$stamp" > "$base/bundle/.stamp"
  fi
  app="$base/bundle/app"
  cat "$base/bundle/BUNDLE.txt" 2>/dev/null
fi
crayon=("$app/crayon")
[[ -x "$app/crayon" ]] || crayon=(dotnet "$app/Crayon.Cli.dll")   # an unpublished build (CI)
export CRAYON_LLAMA_LIB_DIR="${CRAYON_LLAMA_LIB_DIR:-$app/llama}"
[[ -d "$CRAYON_LLAMA_LIB_DIR" ]] || unset CRAYON_LLAMA_LIB_DIR

# --- Vulkan loader and driver -----------------------------------------------------------------------
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1 '; then
  if (( smoke )); then
    say "no Vulkan loader; smoke mode leaves the system alone (the blend runs on the CPU path)"
  elif [[ -d "$base/bundle/gl" ]]; then
    say "installing the Vulkan loader packages (dpkg -x into /)"
    for f in "$base"/bundle/gl/*.deb; do dpkg -x "$f" / || say "dpkg -x $f failed"; done
    ldconfig
  fi
fi
if (( ! smoke )) && [[ -z "${VK_DRIVER_FILES:-}" ]]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    [[ -f "$icd" ]] && { export VK_DRIVER_FILES="$icd"; break; }
  done
fi
if (( smoke )); then export GGML_VK_VISIBLE_DEVICES="${GGML_VK_VISIBLE_DEVICES:-0}"; fi

# --- the machine -------------------------------------------------------------------------------------
{
  echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host=$(hostname)"
  echo "kernel=$(uname -sr)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "cores=$(nproc)"
  echo "memory_kib=$(grep MemTotal /proc/meminfo | awk '{print $2}')"
  echo "glibc=$(ldd --version 2>/dev/null | head -1 | awk '{print $NF}')"
  echo "vk_driver_files=${VK_DRIVER_FILES:-}"
  echo "smoke=$smoke"
  if command -v nvidia-smi >/dev/null; then
    echo "nvidia_smi=$(nvidia-smi --query-gpu=name,driver_version,memory.total,pcie.link.gen.max,pcie.link.width.max,clocks.max.memory,clocks.max.sm --format=csv,noheader 2>&1 | head -1)"
  fi
  [[ -f "$base/bundle/BUNDLE.txt" ]] && echo "bundle_commit=$(awk '/^commit/{print $2}' "$base/bundle/BUNDLE.txt")"
} > "$work/machine.txt"
command -v nvidia-smi >/dev/null && nvidia-smi -q > "$work/logs/nvidia-smi.log" 2>&1

# --- steps ---------------------------------------------------------------------------------------------
# step NAME BUDGET COMMAND...: runs under `timeout`, never longer than the time left before the deadline.
step() {
  local name="$1" budget="$2"; shift 2
  local now left rc t0
  now=$(date +%s); left=$(( deadline - (now - started_at) ))
  if (( left < 15 )); then
    say "$name: skipped, ${left}s left before the deadline"
    printf '%s\tskipped\t0\t%s\n' "$name" "out of time" >> "$work/steps.tsv"
    return
  fi
  (( budget > left )) && budget=$left
  say "$name (at most ${budget}s): $*"
  t0=$(date +%s.%N)
  timeout --kill-after=10 "$budget" "$@" > "$work/logs/$name.log" 2>&1
  rc=$?
  local seconds; seconds=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  local status=ok; (( rc == 124 || rc == 137 )) && status=timeout; (( rc != 0 && rc != 124 && rc != 137 )) && status="failed"
  printf '%s\t%s\t%s\t%s\n' "$name" "$status" "$seconds" "exit $rc" >> "$work/steps.tsv"
  say "$name: $status in ${seconds}s"
  tail -n 4 "$work/logs/$name.log" | sed 's/^/    /'
}

J="$work"
if (( smoke )); then
  sizes="1,4"; big="4"; adapters="2,4"; reps=1; shapes_1b="smoke"; recipe_sizes="1"; recipe_adapters="2"; recipe_storage="f16"; shapes_8b=""; swap_n=4; swap_r=2; swap_chunks=""; model_args=(--shape smoke)
  llama_backend=(--backend cpu --threads 1); decode_args=(--configs none,single,concat-2,mix-2 --tokens 4 --runs 1 --prompt-tokens 4 -n 4)
  tune_args=(--sizes 4 -n 2 --storage f16 --workgroup-sizes 64,256 --loads 2,4 --unrolls 4)
  peers_args=(--smoke)
  serve_args=(--backend cpu --requests 64 --customized-requests 32 --distinct 1,4)
else
  sizes="16,32,64,128,256,512,1024"; big="256,1024"; adapters="8,32"; reps=9; shapes_1b="llama-3.2-1b"; shapes_8b="llama-3-8b"
  recipe_sizes="64,256,1024"; recipe_adapters="$adapters"; recipe_storage="f16,f32"
  swap_n=32; swap_r=20; swap_chunks="256 512 4096"; model_args=(--model "$base/models/llama-3.2-1b-f16.gguf")
  llama_backend=(--backend vulkan); decode_args=(--configs none,single,linear,concat-4,mix-2,mix-4,mix-8 --tokens 128 --runs 3 --prompt-tokens 32 -n 8)
  tune_args=(--sizes 256,1024 -n 8,32 --storage f16,f32 --grid axes)
  peers_args=()
  # Per-request customization on the served 1B model: in-place swap beside reloading an adapter per request, 1/16/256 distinct.
  serve_args=(--model "$base/models/llama-3.2-1b-f16.gguf" --backend vulkan --blend-backend vulkan --contexts 2 --threads 4
              --requests 128 --customized-requests 128 --distinct 1,16,256 --max-tokens 8 --pool-adapters 8 --pool-rank 16)
fi

wants devices && step devices 60 "${crayon[@]}" devices
if wants blend; then
  step blend 150 "${crayon[@]}" bench blend --backends vulkan --sizes "$sizes" --storage f16,f32 -n "$adapters" --mode linear -r "$reps" --out "$J/blend.json"
fi
if wants shapes; then
  step shapes-1b 150 "${crayon[@]}" bench blend --backends vulkan --shape "$shapes_1b" --storage f16 -n "$adapters" --mode linear,concat -r "$reps" --out "$J/shapes-1b.json"
  [[ -n "$shapes_8b" ]] && step shapes-8b 120 "${crayon[@]}" bench blend --backends vulkan --shape "$shapes_8b" --storage f16 -n 8 --mode linear,concat -r "$reps" --out "$J/shapes-8b.json"
fi
if wants recipes; then
  # PEFT's merge recipes beside linear in the same run (same bytes: N adapters read, one written). The first blend of a
  # magnitude recipe finds its thresholds (one read-back of the pool); it is the untimed warm-up.
  recipes="linear,ties,dare_linear,dare_ties,magnitude_prune"
  step recipes 150 "${crayon[@]}" bench blend --backends vulkan --sizes "$recipe_sizes" --storage "$recipe_storage" -n "$recipe_adapters" --mode "$recipes" -r "$reps" --out "$J/recipes.json"
  (( smoke )) || step recipes-1b 120 "${crayon[@]}" bench blend --backends vulkan --shape "$shapes_1b" --storage f16 -n "$adapters" --mode "$recipes" -r "$reps" --out "$J/recipes-1b.json"
fi
if wants tune; then
  step tune 180 "${crayon[@]}" bench tune "${tune_args[@]}" -r 3 --out "$J/tune.json"
  # A cap makes each workgroup loop over several tiles: 1056 = 8 workgroups of 256 on each of the H200's 132 SMs.
  (( smoke )) || step tune-cap 120 "${crayon[@]}" bench tune --sizes 256,1024 -n 8,32 --storage f16,f32 --grid full --workgroup-sizes 256 --loads 1 --unrolls 4 --max-workgroups 0,528,1056,2112,4224 -r 5 --out "$J/tune-cap.json"
fi
if { wants swap || wants decode || wants serve; } && (( ! smoke )) && [[ ! -f "$base/models/llama-3.2-1b-f16.gguf" ]]; then
  mkdir -p "$base/models"
  step model 120 "${crayon[@]}" model random --preset llama-3.2-1b --type f16 -o "$base/models/llama-3.2-1b-f16.gguf"
fi
if wants swap; then
  step swap 180 "${crayon[@]}" bench swap "${model_args[@]}" "${llama_backend[@]}" --blend-backend vulkan -n "$swap_n" -r "$swap_r" --out "$J/swap.json"
  (( smoke )) || step swap-concat 120 "${crayon[@]}" bench swap "${model_args[@]}" "${llama_backend[@]}" --blend-backend vulkan -n "$swap_n" --mode concat --top-k 4 -r 10 --out "$J/swap-concat.json"
  # The pipelined in-place swap's read-back chunk size (the swap step above uses the default, 1024 KiB).
  for kib in $swap_chunks; do
    step "swap-chunk-$kib" 90 "${crayon[@]}" bench swap "${model_args[@]}" "${llama_backend[@]}" --blend-backend vulkan -n "$swap_n" -r 10 --chunk-kib "$kib" --out "$J/swap-chunk-$kib.json"
  done
fi
wants decode && step decode 200 "${crayon[@]}" bench decode "${model_args[@]}" "${llama_backend[@]}" "${decode_args[@]}" --out "$J/decode.json"
wants serve && step serve 240 "${crayon[@]}" bench serve "${serve_args[@]}" --out "$J/serve.json"
wants peers && step peers 300 python3 "$repo/benchmarks/gpu/peers.py" "${peers_args[@]}" --out "$J/peers.json"

# --- results -------------------------------------------------------------------------------------------
python3 "$repo/benchmarks/gpu/collect.py" "$work" "$out"
