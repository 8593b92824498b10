#!/usr/bin/env bash
# Installs everything the project needs to build and test, from Debian's packages.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git clang libclang-rt-14-dev
  libboost-filesystem-dev nlohmann-json3-dev libgtest-dev libgmock-dev
  libzstd-dev zstd libssl-dev libcli11-dev
  python3 bsdutils curl time libbenchmark-dev
  tshark
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm run bcoin for the interop test; a machine that has them
# (from any source) keeps its own.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm node-gyp libnode-dev)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  as_root apt-get update -qq
  # tshark asks whether non-root users may capture; the answer (no) is given here.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | as_root debconf-set-selections
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
