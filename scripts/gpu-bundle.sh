#!/usr/bin/env bash
# Packs what a GPU host without network, .NET or a Vulkan loader needs to run benchmarks/gpu/run.sh
# (see ../shared/docs/GPU.md) into ONE archive, dist/gpu-bundle.tar.xz by default:
#   app/          the CLI as a self-contained, trimmed linux-x64 publish (./app/crayon), with libcrayon_blend.so
#   app/llama/    the pinned llama.cpp build's libraries that ggml loads: libllama, libggml, libggml-base,
#                 libggml-vulkan and the CPU variants an x86-64 server may pick (ggml scores every
#                 libggml-cpu-*.so in the folder and loads the best the CPU supports; x64 is the fallback)
#   gl/           the Vulkan/GL loader packages (.deb) to unpack with dpkg -x on the host
#   src.tar       git archive of the commit the bundle was built from (the source tree travels along)
#   BUNDLE.txt    commit, date and sizes
# Usage: scripts/gpu-bundle.sh [output.tar.xz]. Prints the archive's size; fails if it exceeds 60 MiB.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$(realpath -m "${1:-$root/dist/gpu-bundle.tar.xz}")"
limit=$((60 << 20))
log() { echo "gpu-bundle: $*" >&2; }

"$root/scripts/setup.sh"   # the native plugin and the pinned llama.cpp libraries
llama="$root/.deps/llama/linux-x64-vulkan"
cpu_variants=(x64 sse42 haswell alderlake skylakex icelake sapphirerapids zen4)

# The Vulkan loader and GL packages, downloaded (not installed) once into the ignored .gl/.
gl_packages=(libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
missing=()
for p in "${gl_packages[@]}"; do compgen -G "$root/.gl/${p}_*_amd64.deb" >/dev/null || missing+=("$p"); done
if (( ${#missing[@]} > 0 )); then
  log "downloading ${missing[*]} (amd64) into .gl/"
  lists="$(mktemp -d)"; mkdir -p "$lists/partial" "$root/.gl"
  apt_opts=(-o APT::Architecture=amd64 -o APT::Architectures=amd64 -o "Dir::State::Lists=$lists")
  apt-get "${apt_opts[@]}" update -qq
  (cd "$root/.gl" && apt-get "${apt_opts[@]}" download "${missing[@]}" >/dev/null)
  rm -rf "$lists"
fi

stage="$(mktemp -d)"; trap 'rm -rf "$stage"' EXIT
log "publishing the CLI (self-contained, trimmed)"
dotnet publish "$root/src/Crayon.Cli/Crayon.Cli.csproj" -c Release -r linux-x64 --self-contained -nologo -v:q -clp:ErrorsOnly \
  -p:PublishTrimmed=true -p:DebugType=none -p:SatelliteResourceLanguages=en -p:InvariantGlobalization=true \
  -o "$stage/app" >&2
# Not needed to run: the crash-dump helper and the LTTng trace provider.
rm -f "$stage/app/createdump" "$stage/app/libcoreclrtraceptprovider.so"
[[ -f "$stage/app/libcrayon_blend.so" ]] || { log "libcrayon_blend.so missing from the publish"; exit 1; }
cat > "$stage/app/crayon" <<'LAUNCHER'
#!/bin/sh
# The bundled CLI; llama.cpp is found in ./llama beside it.
exec "$(dirname "$(readlink -f "$0")")/Crayon.Cli" "$@"
LAUNCHER
chmod +x "$stage/app/crayon"

mkdir -p "$stage/app/llama"
cp "$llama"/libllama.*.so "$llama"/libggml.*.so "$llama/libggml-base.so" "$llama/libggml-vulkan.so" "$stage/app/llama/"
for v in "${cpu_variants[@]}"; do cp "$llama/libggml-cpu-$v.so" "$stage/app/llama/"; done
cp "$llama/build-metadata.json" "$stage/app/llama/"

mkdir -p "$stage/gl"
for p in "${gl_packages[@]}"; do cp "$root"/.gl/"${p}"_*_amd64.deb "$stage/gl/"; done

commit="$(git rev-parse HEAD)"
git archive --format=tar -o "$stage/src.tar" HEAD
dirty="$(git status --porcelain --untracked-files=no | wc -l)"
{
  echo "crayon GPU bundle"
  echo "commit $commit$( (( dirty > 0 )) && echo " (working tree had $dirty uncommitted changes; src.tar is the commit)")"
  echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -srm)"
  echo "llama.cpp $(source "$root/scripts/llama-version.env"; echo "$LLAMA_CPP_RELEASE via $LLAMA_NPM_PACKAGE@$LLAMA_NPM_VERSION")"
  echo "uncompressed: app $(du -sm "$stage/app" | cut -f1) MiB (llama $(du -sm "$stage/app/llama" | cut -f1) MiB), gl $(du -sm "$stage/gl" | cut -f1) MiB, src $(du -sm "$stage/src.tar" | cut -f1) MiB"
} > "$stage/BUNDLE.txt"

mkdir -p "$(dirname "$out")"
log "compressing (xz -9)"
XZ_OPT="-9 -T0" tar -C "$stage" -cJf "$out.tmp" BUNDLE.txt app gl src.tar
mv "$out.tmp" "$out"
size=$(stat -c %s "$out")
cat "$stage/BUNDLE.txt" >&2
log "wrote ${out#$root/}: $size bytes ($((size >> 20)) MiB; the limit is 60 MiB)"
(( size <= limit )) || { log "the bundle exceeds 60 MiB"; exit 1; }
