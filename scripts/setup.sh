#!/usr/bin/env bash
# Brings a Debian 12 machine to the point where Crayon builds and runs:
#   1. apt packages (as root): compilers, CMake, glslc, Vulkan headers/loader, Mesa lavapipe >= 25;
#   2. the pinned llama.cpp binaries (scripts/fetch-llama.sh);
#   3. the native plugin + shaders (CMake) and the .NET solution (NuGet restore + build).
# Every step is skipped when its output is already up to date, so the launcher can call this each time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
config="${CRAYON_CONFIGURATION:-Release}"
log() { echo "setup: $*" >&2; }

# --- 1. apt --------------------------------------------------------------------------------
need_pkgs=()
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# gcc-aarch64-linux-gnu + qemu-user: the linux-arm64 build of the blend plugin that the NuGet package carries, and its ABI check.
for p in cmake g++ make glslc libvulkan-dev libvulkan1 mesa-vulkan-drivers npm xz-utils strace gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user; do
  if [[ "$p" == npm ]] && command -v npm >/dev/null; then continue; fi
  pkg_installed "$p" || need_pkgs+=("$p")
done
# Mesa 22.3 (Debian 12) crashes intermittently inside llama.cpp LoRA graphs on lavapipe; Mesa 25
# from bookworm-backports does not. Upgrade when the installed Mesa is older than 25.
mesa_version="$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)"
mesa_too_old=0
if [[ -z "$mesa_version" ]] || dpkg --compare-versions "$mesa_version" lt 25; then mesa_too_old=1; fi

if (( ${#need_pkgs[@]} > 0 || mesa_too_old )); then
  if [[ "$(id -u)" != 0 ]]; then
    log "missing packages: ${need_pkgs[*]} ${mesa_too_old:+(and Mesa >= 25 from bookworm-backports)}"
    log "run this script as root once, or install them yourself"; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if (( mesa_too_old )) && grep -q bookworm /etc/os-release && ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
    log "adding bookworm-backports for Mesa 25"
    echo "deb http://deb.debian.org/debian bookworm-backports main" > /etc/apt/sources.list.d/crayon-backports.list
  fi
  log "apt-get install ${need_pkgs[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  if (( mesa_too_old )); then
    apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null \
      || log "warning: could not install Mesa >= 25; llama.cpp LoRA graphs on lavapipe may crash"
  fi
fi
command -v dotnet >/dev/null || { log "the .NET 10 SDK is required (dotnet not on PATH)"; exit 1; }

# --- 2. llama.cpp binaries ------------------------------------------------------------------
"$root/scripts/fetch-llama.sh"

# --- 3. build --------------------------------------------------------------------------------
stamp="$root/artifacts/.build-$config"
sources=(src native shaders tests benchmarks samples packaging CMakeLists.txt Crayon.sln Directory.Build.props Directory.Packages.props)
if [[ -f "$stamp" && -z "$(find "${sources[@]}" -newer "$stamp" -not -path '*/bin/*' -not -path '*/obj/*' -print -quit 2>/dev/null)" ]]; then
  exit 0
fi
log "building native plugin and shaders (CMake)"
cmake -S "$root" -B "$root/build/native" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$root/build/native" --parallel "$(nproc)" >/dev/null
cmake --install "$root/build/native" --prefix "$root/artifacts" >/dev/null
log "building native plugin for linux-arm64 (cross, CMake)"
cmake -S "$root" -B "$root/build/native-linux-arm64" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="$root/native/toolchains/aarch64-linux-gnu.cmake" >/dev/null
cmake --build "$root/build/native-linux-arm64" --parallel "$(nproc)" >/dev/null
cmake --install "$root/build/native-linux-arm64" --prefix "$root/artifacts/linux-arm64" >/dev/null
log "building .NET solution ($config)"
dotnet build "$root/Crayon.sln" -c "$config" -nologo "-clp:ErrorsOnly;NoSummary" -v:q >&2
touch "$stamp"
