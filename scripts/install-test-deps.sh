#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: git, Node.js, procps (kill),
# coreutils. Installs only what is missing, so a developer's machine is left alone.
set -euo pipefail

need=()
command -v git >/dev/null || need+=(git)
command -v node >/dev/null || need+=(nodejs)
command -v kill >/dev/null || need+=(procps)
command -v sha256sum >/dev/null || need+=(coreutils)

if ((${#need[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${need[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}"
fi

command -v dotnet >/dev/null || { echo "the .NET 10 SDK (dotnet) is required: https://dot.net" >&2; exit 1; }
