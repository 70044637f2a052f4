#!/usr/bin/env bash
# Extracts the pinned llama.cpp release's public headers (include/llama.h, ggml/include/*.h) into
# .deps/llama/include. They come from node-llama-cpp (npm pack, sha256 checked), whose
# llama/gitRelease.bundle is a git bundle of the llama.cpp source the binaries were built from.
# Used only by the struct-layout test; nothing else is extracted. Idempotent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=llama-version.env
source "$root/scripts/llama-version.env"

dest="$root/.deps/llama/include"
stamp="$dest/.crayon-pin"
pin="$LLAMA_SOURCE_NPM_PACKAGE@$LLAMA_SOURCE_NPM_VERSION $LLAMA_SOURCE_NPM_SHA256"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$pin" ]]; then exit 0; fi

command -v git >/dev/null || { echo "setup: git is required to read the llama.cpp source bundle" >&2; exit 1; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
# shellcheck source=npm-pack-verified.sh
source "$root/scripts/npm-pack-verified.sh"
tgz="$(npm_pack_verified "$LLAMA_SOURCE_NPM_PACKAGE" "$LLAMA_SOURCE_NPM_VERSION" "$LLAMA_SOURCE_NPM_SHA256" "$work")"
tar -xzf "$tgz" -C "$work" package/llama/gitRelease.bundle
git init -q --bare "$work/src.git"
git --git-dir="$work/src.git" fetch -q "$work/package/llama/gitRelease.bundle" HEAD:refs/heads/release
rm -rf "$dest"; mkdir -p "$dest"
git --git-dir="$work/src.git" archive release include/llama.h ggml/include | tar -x -C "$work"
cp "$work/include/llama.h" "$work"/ggml/include/*.h "$dest/"
echo "$pin" > "$stamp"
echo "setup: llama.cpp $LLAMA_CPP_RELEASE headers in ${dest#$root/}" >&2
