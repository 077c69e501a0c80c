#!/usr/bin/env bash
# The tests drive real programs from Debian: headless Chromium (the HTML report renders its charts;
# VS Code in the browser runs the extension), Neovim (a third-party LSP client), redis-server (the
# exploration queue), openssl (the queue's TLS test makes certificates), ripgrep (VS Code's search,
# which code-server's npm install cannot download) and a C++ tool chain (code-server's native modules
# are built from source). Install them when missing, as root, once.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v nvim >/dev/null 2>&1 || missing+=(neovim)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/rg ] || missing+=(ripgrep)
{ command -v g++ && command -v make && command -v python3; } >/dev/null 2>&1 || missing+=(build-essential python3)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need: ${missing[*]} (Debian packages). Install them, then run npm test again." >&2
  exit 1
fi
echo "Installing ${missing[*]} for the tests…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
