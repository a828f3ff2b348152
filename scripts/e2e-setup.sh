#!/usr/bin/env bash
# Prepares what the end-to-end tests need to run the extension in a real VS Code without
# reaching anything but Debian's mirrors and the npm registry (see notes/real-vscode.md):
#   - Debian packages: libkrb5-dev (code-server builds kerberos natively), ripgrep (seeds
#     @vscode/ripgrep, whose postinstall would otherwise download from GitHub), chromium.
#   - code-server 4.100.3 (VS Code 1.100.3; newer ones need Node 22+) in .cache/code-server/,
#     outside the project's own dependencies.
# Idempotent: each step is skipped when its result is already there, so a second run is
# offline-safe and takes a second.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CS_VERSION="4.100.3"
CS_DIR="$ROOT/.cache/code-server"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
# @vscode/ripgrep 1.15.11 looks for this exact file in $TMPDIR before downloading.
RG_CACHE_NAME="vscode-ripgrep-cache-1.15.11"
RG_TARBALL="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"

log() { printf '[e2e-setup] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root to run: $*"; return 1; fi
}

install_debian_packages() {
  local missing=()
  for p in libkrb5-dev ripgrep chromium; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then log "debian packages present"; return; fi
  log "installing ${missing[*]}"
  # Update the package lists only when the install cannot find the packages without it.
  if ! DEBIAN_FRONTEND=noninteractive as_root apt-get install -y --no-install-recommends "${missing[@]}"; then
    as_root apt-get update
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y --no-install-recommends "${missing[@]}"
  fi
}

install_code_server() {
  if [ -x "$CS_BIN" ] && "$CS_BIN" --version 2>/dev/null | grep -q "^$CS_VERSION"; then
    log "code-server $CS_VERSION present"; return
  fi
  mkdir -p "$CS_DIR"
  local tmp; tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  mkdir -p "$tmp/$RG_CACHE_NAME" "$tmp/rgroot"
  cp "$(command -v rg)" "$tmp/rgroot/rg"
  tar -czf "$tmp/$RG_CACHE_NAME/$RG_TARBALL" -C "$tmp/rgroot" rg
  [ -f "$CS_DIR/package.json" ] || echo '{"name":"e2e-code-server","private":true}' > "$CS_DIR/package.json"
  log "installing code-server $CS_VERSION into $CS_DIR (about 80 s)"
  (cd "$CS_DIR" && npm_config_yes=true TMPDIR="$tmp" npm install "code-server@$CS_VERSION" \
    --unsafe-perm --no-audit --no-fund --loglevel=error)
  "$CS_BIN" --version | head -1
}

install_debian_packages
install_code_server
log "ready: $CS_BIN, /usr/bin/chromium"
