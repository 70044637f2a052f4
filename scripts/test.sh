#!/usr/bin/env bash
# Runs Crayon's test suite: installs/builds what is missing (scripts/setup.sh), runs NUnit through
# `dotnet test`, and ends with one line "N passed, N failed" read from the TRX results.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Gguf").
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/setup.sh" || { echo "0 passed, 1 failed"; exit 1; }

results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
dotnet test "$root/tests/Crayon.Tests/Crayon.Tests.csproj" -c "${CRAYON_CONFIGURATION:-Release}" --no-build -nologo \
  --logger "trx;LogFileName=crayon.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" --blame-hang-timeout 10m "$@"
status=$?

trx="$results/crayon.trx"
if [[ ! -f "$trx" ]]; then
  echo "test run produced no results (exit $status)"; echo "0 passed, 1 failed"; exit 1
fi
counter() { grep -o "<Counters [^>]*" "$trx" | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*"; }
passed=$(counter passed); failed=$(( $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted) ))
skipped=$(( $(counter total) - $(counter executed) ))
if (( skipped > 0 )); then
  echo "$skipped test(s) skipped"
  # In CI nothing may skip: a skipped test there means a missing dependency, which is a failure.
  if [[ "${CI:-}" == true ]]; then failed=$(( failed + skipped )); fi
fi
if (( status != 0 && failed == 0 )); then failed=1; fi
echo "$passed passed, $failed failed"
(( failed == 0 ))
