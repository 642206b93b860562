#!/usr/bin/env bash
# Installs the Debian packages the test suite drives for real: git, Node.js, Chromium (the web
# console's browser tests; Playwright drives Debian's build, a browser download cannot work
# here) with a font to draw text in, coreutils and
# util-linux (setsid, runuser), perl-base (perl), PostgreSQL's server (the store tests), kubectl
# (kubernetes-client: renders deploy/ with its built-in kustomize), nats-server (the nats
# connector's tests start their own), bubblewrap (bwrap: the local runtime's sandbox), and the npm packages of
# tests/kubernetes-schema (the Kubernetes schema validator) and tests/oidc-client (openid-client, a
# relying party the identity tests sign in with). Installs only what is missing, so a
# developer's machine is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
# type -P looks for a program on PATH only, never a shell builtin.
type -P git >/dev/null || need+=(git)
type -P node >/dev/null || need+=(nodejs)
type -P setsid >/dev/null || need+=(util-linux)
type -P perl >/dev/null || need+=(perl-base)
type -P bwrap >/dev/null || need+=(bubblewrap)
type -P sha256sum >/dev/null || need+=(coreutils)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
type -P kubectl >/dev/null || need+=(kubernetes-client)
type -P npm >/dev/null || need+=(npm)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
# Debian installs it to /usr/sbin, which a non-root PATH may lack.
type -P nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || need+=(nats-server)

if ((${#need[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    type -P sudo >/dev/null || { echo "missing ${need[*]}: install them as root (apt-get install ${need[*]})" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "installing: ${need[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${need[@]}"
fi

# The versions package-lock.json pins; `npm ci` leaves nothing else behind.
if [ ! -d tests/kubernetes-schema/node_modules/kubernetes-models ]; then
  npm ci --prefix tests/kubernetes-schema --no-audit --no-fund --loglevel=error
fi
if [ ! -d tests/oidc-client/node_modules/openid-client ]; then
  npm ci --prefix tests/oidc-client --no-audit --no-fund --loglevel=error
fi

command -v dotnet >/dev/null || { echo "the .NET 10 SDK (dotnet) is required: https://dot.net" >&2; exit 1; }
