#!/usr/bin/env bash
# Builds mediasoup's C++ worker offline from the npm tarball against Debian's own libraries (no downloads besides
# the npm registry and Debian's mirror), with our patch in sfu/worker-build/. The binary is cached outside the
# repository, keyed by mediasoup version and patch hash, so it is rebuilt only when one of them changes.
# Prints the binary's path on the last line: export MEDIASOUP_WORKER_BIN="$(bash scripts/build-mediasoup-worker.sh | tail -1)"
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(node -p "require('./package.json').dependencies.mediasoup.replace(/^[^0-9]*/, '')")
patch_file="sfu/worker-build/mediasoup-${version}.diff"
[ -f "$patch_file" ] || { echo "no patch for mediasoup ${version} at ${patch_file}" >&2; exit 1; }
patch_hash=$(sha256sum "$patch_file" | cut -c1-12)
cache_root="${NAERVAER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/naervaer}"
target="${cache_root}/mediasoup-worker/${version}-${patch_hash}/mediasoup-worker"

link_local() {
  # The server looks here when MEDIASOUP_WORKER_BIN is not set.
  mkdir -p .cache && ln -sfn "$target" .cache/mediasoup-worker
}

if [ -x "$target" ]; then
  echo "mediasoup worker ${version} (patch ${patch_hash}) is cached" >&2
  link_local
  echo "$target"
  exit 0
fi

build_deps=(meson ninja-build g++ pkg-config patch libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev
  libflatbuffers-dev flatbuffers-compiler)
missing=()
for pkg in "${build_deps[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing build packages: ${missing[*]}" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "Building mediasoup worker ${version} in ${work} (about 4 minutes on 2 cores)…" >&2
(cd "$work" && npm pack --silent "mediasoup@${version}" >/dev/null && tar xzf "mediasoup-${version}.tgz")
(cd "$work/package" && patch -s -p1 < "$OLDPWD/$patch_file")
(
  cd "$work/package/worker"
  meson setup build --buildtype=release -Db_ndebug=true -Dms_disable_liburing=true >&2
  ninja -C build fbs/FBS >&2
  ninja -C build mediasoup-worker >&2
)
mkdir -p "$(dirname "$target")"
strip -o "${target}.tmp" "$work/package/worker/build/mediasoup-worker"
mv "${target}.tmp" "$target"
echo "Built $target" >&2
link_local
echo "$target"
