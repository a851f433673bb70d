#!/usr/bin/env bash
# Installs the Debian packages Scribe needs to build, test and benchmark, only when missing.
set -euo pipefail
packages=(build-essential cmake ninja-build ccache pkg-config libboost1.81-dev librocksdb-dev
  libsimdjson-dev libzstd-dev libjemalloc-dev libssl-dev libgtest-dev curl python3 jq clang libclang-rt-14-dev
  golang-go golang-golang-x-mod-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere than Debian (it does on our CI image): only a missing one is installed.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
