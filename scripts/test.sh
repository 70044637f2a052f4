#!/usr/bin/env bash
# Runs Crayon's test suite: installs/builds what is missing (scripts/setup.sh), runs NUnit through `dotnet test` for each
# test project (tests/*.Tests, one per assembly), runs the path-dependent tests again under another ggml CPU variant,
# checks the published numbers (scripts/check-numbers.py and its self-tests, without --filter), and ends with one line
# "N passed, N failed" from all of them. Extra arguments go to every `dotnet test` (e.g. --filter "FullyQualifiedName~Gguf").
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/setup.sh" || { echo "0 passed, 1 failed"; exit 1; }

results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
configuration="${CRAYON_CONFIGURATION:-Release}"
# Every test project, found rather than listed so a new one cannot be left out; one not in Crayon.sln is not built by
# setup and so fails below (no results) instead of being skipped.
projects=("$root"/tests/*.Tests/*.Tests.csproj)

# Reads the "N passed, N failed" counts of one TRX file into $2/$3 (nameref); false when the run left no file.
counts() {
  local trx="$1"; local -n p="$2" f="$3" s="$4"
  [[ -f "$trx" ]] || return 1
  counter() { grep -o "<Counters [^>]*" "$trx" | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*"; }
  p=$(counter passed); f=$(( $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted) ))
  s=$(( $(counter total) - $(counter executed) ))
}

# Runs the test projects ONE AT A TIME (the machine has 2 cores, and each process loads llama.cpp), each writing
# $results/<project><suffix>.trx with the variables of run_env set, and adds their counts to passed/failed/skipped and
# the tests seen to $ran. A project that leaves no TRX, or exits non-zero with no failed test, counts as one failure.
# Arguments go to `dotnet test`.
passed=0; failed=0; skipped=0; run_env=()
run_projects() {
  local suffix="$1"; shift
  local project name status tp tf ts
  ran=0
  for project in "${projects[@]}"; do
    name="$(basename "$project" .csproj)"
    echo "--- $name$suffix"
    env "${run_env[@]}" dotnet test "$project" -c "$configuration" --no-build -nologo \
      --logger "trx;LogFileName=$name$suffix.trx" --logger "console;verbosity=normal" \
      --results-directory "$results" --blame-hang-timeout 25m "$@"
    status=$?
    if ! counts "$results/$name$suffix.trx" tp tf ts; then
      echo "$name$suffix: the test run produced no results (exit $status)"; failed=$(( failed + 1 )); continue
    fi
    if (( status != 0 && tf == 0 )); then tf=1; fi
    echo "$name$suffix: $tp passed, $tf failed, $ts skipped"
    passed=$(( passed + tp )); failed=$(( failed + tf )); skipped=$(( skipped + ts )); ran=$(( ran + tp + tf + ts ))
  done
}

run_projects "" "$@"

# --- the other CPU kernel family --------------------------------------------------------------
# ggml loads the CPU kernels that suit this CPU best (AVX-512 here, AVX2 elsewhere), and numbers computed along two
# llama.cpp paths differ by kernel family. So the path-dependent tests (category PathNumerics) run a second time in
# a process that sees one other variant only: haswell (AVX2) on an AVX-512 machine, else the x64 baseline. llama.cpp
# is loaded once per process, hence a second `dotnet test` per project with its own library folder (links to the same build).
user_filter=""; args=("$@")
for (( i = 0; i < ${#args[@]}; i++ )); do
  case "${args[i]}" in --filter) user_filter="${args[i+1]:-}";; --filter=*) user_filter="${args[i]#--filter=}";; esac
done
other_args=(); skip_next=0
for a in "$@"; do
  if (( skip_next )); then skip_next=0; continue; fi
  case "$a" in --filter) skip_next=1;; --filter=*) ;; *) other_args+=("$a");; esac
done
# Vulkan tests stay out of this run: their GPU side does not depend on the CPU variant. (Mesa's shader cache makes
# lavapipe's compile of ggml's pipelines a once-per-machine cost, ~3 min cold on 2 cores, about 1 s in later processes.)
variant_filter="TestCategory=PathNumerics&FullyQualifiedName!~Vulkan"; [[ -n "$user_filter" ]] && variant_filter="($user_filter)&$variant_filter"
if grep -qw avx512f /proc/cpuinfo; then variant=haswell; else variant=x64; fi
llama_dir="${CRAYON_LLAMA_LIB_DIR:-$root/.deps/llama/linux-x64-vulkan}"
variant_dir="$root/artifacts/llama-cpu-$variant"
rm -rf "$variant_dir"; mkdir -p "$variant_dir"
for f in "$llama_dir"/*; do
  name="$(basename "$f")"
  [[ "$name" == libggml-cpu-* && "$name" != "libggml-cpu-$variant.so" ]] && continue
  ln -s "$(readlink -f "$f")" "$variant_dir/$name"
done
echo "--- again under ggml's $variant CPU variant only ($variant_dir): $variant_filter"
run_env=(CRAYON_LLAMA_LIB_DIR="$variant_dir" CRAYON_EXPECT_CPU_VARIANT="$variant")
run_projects "-$variant" --filter "$variant_filter" "${other_args[@]}"
echo "$variant variant: $ran test(s) run"
if (( ran == 0 )) && [[ -z "$user_filter" ]]; then
  # The whole suite always holds path-dependent tests: a run without them is broken, never skipped.
  echo "the $variant-variant run ran no test"; failed=$(( failed + 1 ))
fi

# --- published numbers ---------------------------------------------------------------------------
# Every number in README.md and benchmarks/*.md is accounted for and checked against its result file; the check
# counts as one test, its self-tests (scripts/numbers_check/selftest.py) as one each.
if [[ -z "$user_filter" ]]; then
  selftest="$(python3 "$root/scripts/numbers_check/selftest.py")"; selftest_status=$?
  echo "$selftest"
  if [[ "$(tail -n 1 <<<"$selftest")" =~ ^selftest:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$(( passed + BASH_REMATCH[1] )); failed=$(( failed + BASH_REMATCH[2] ))
    if (( selftest_status != 0 && BASH_REMATCH[2] == 0 )); then failed=$(( failed + 1 )); fi
  else
    failed=$(( failed + 1 ))
  fi
  if python3 "$root/scripts/check-numbers.py"; then passed=$(( passed + 1 )); else failed=$(( failed + 1 )); fi
fi

if (( skipped > 0 )); then
  echo "$skipped test(s) skipped"
  # In CI nothing may skip: a skipped test there means a missing dependency, which is a failure.
  if [[ "${CI:-}" == true ]]; then failed=$(( failed + skipped )); fi
fi
echo "$passed passed, $failed failed"
(( failed == 0 ))
