#!/usr/bin/env bash
# Sourced by the fetch scripts: npm_pack_verified PACKAGE VERSION SHA256 WORKDIR
# Downloads PACKAGE@VERSION with `npm pack` into WORKDIR, checks its sha256, and prints the tarball's path.
npm_pack_verified() {
  local package="$1" version="$2" sha256="$3" work="$4"
  command -v npm >/dev/null || { echo "setup: npm is required to fetch $package (apt-get install npm)" >&2; return 1; }
  echo "setup: fetching $package@$version from the npm registry" >&2
  (cd "$work" && npm pack --silent "$package@$version" >/dev/null 2>"$work/npm.log") \
    || { cat "$work/npm.log" >&2; echo "setup: npm pack $package@$version failed" >&2; return 1; }
  local tgz actual
  tgz="$(ls "$work"/*.tgz)"
  actual="$(sha256sum "$tgz" | cut -d' ' -f1)"
  if [[ "$actual" != "$sha256" ]]; then
    echo "setup: checksum mismatch for $(basename "$tgz"): expected $sha256, got $actual" >&2; return 1
  fi
  echo "$tgz"
}
