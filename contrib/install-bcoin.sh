#!/usr/bin/env bash
# Installs bcoin 1.0.2 (an independent Bitcoin full node in JavaScript) from the
# npm registry into DEST (default: build/bcoin) for the interop test.
# Its install scripts are skipped: leveldown no longer builds with this
# Node.js, and with --memory=true bcoin does not need it (the test preloads a
# stand-in so that bdb's require of it succeeds). The other native modules
# are rebuilt from source.
source "$(dirname "$0")/common.sh"
cd "$(dirname "$0")/.."
require_command npm npm
dest=${1:-build/bcoin}
if [ -f "$dest/node_modules/bcoin/package.json" ] && [ -f "$dest/node_modules/mrmr/build/Release/mrmr.node" ]; then
  exit 0
fi
mkdir -p "$dest"
cd "$dest"
[ -f package.json ] || echo '{"name": "msgcapture-interop", "private": true}' > package.json
quietly npm-install.log npm install --no-audit --no-fund --ignore-scripts bcoin@1.0.2
quietly npm-rebuild.log npm rebuild bcrypto bsip bstring mrmr secp256k1
test -f node_modules/mrmr/build/Release/mrmr.node
echo "bcoin 1.0.2 installed in $dest"
