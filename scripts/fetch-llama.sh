#!/usr/bin/env bash
# Fetches the pinned llama.cpp shared libraries (npm pack, sha256 checked) into .deps/llama/, and the
# same release's headers (llama.h, ggml/include) into .deps/llama/include for the struct-layout test.
# Idempotent: does nothing when the pinned versions are already there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=llama-version.env
source "$root/scripts/llama-version.env"

dest="$root/.deps/llama/linux-x64-vulkan"
stamp="$dest/.crayon-pin"
pin="$LLAMA_NPM_PACKAGE@$LLAMA_NPM_VERSION $LLAMA_NPM_SHA256"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$pin" ]]; then "$root/scripts/fetch-llama-headers.sh"; exit 0; fi

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
# shellcheck source=npm-pack-verified.sh
source "$root/scripts/npm-pack-verified.sh"
tgz="$(npm_pack_verified "$LLAMA_NPM_PACKAGE" "$LLAMA_NPM_VERSION" "$LLAMA_NPM_SHA256" "$work")"
tar -xzf "$tgz" -C "$work"
rm -rf "$dest"; mkdir -p "$dest"
# Only the shared libraries: the node addon and the JS glue are not ours to load.
cp "$work"/package/bins/linux-x64-vulkan/*.so "$dest/"
rm -f "$dest/llama-addon.node"
cp "$work"/package/bins/linux-x64-vulkan/_nlcBuildMetadata.json "$dest/build-metadata.json"
echo "$pin" > "$stamp"
echo "setup: llama.cpp $LLAMA_CPP_RELEASE libraries in ${dest#$root/}" >&2
"$root/scripts/fetch-llama-headers.sh"
