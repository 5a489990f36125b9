#!/usr/bin/env bash
# `npm run test:mutation [-- stryker options]`: mutation testing of the modules that guard access
# (test/mutation/modules.json; stryker.config.mjs), then the score per module
# (scripts/mutation-scores.js), which fails under 85%. Incremental: each run writes its results to stryker.config.mjs's
# incrementalFile, and the next runs again only mutants of changed code, or covered by changed tests.
# Stryker 10 needs Node 22 (docs/dependencies.md): the pinned one from the npm registry's `node`
# package, cached outside the clone by version.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE22_VERSION=22.23.3
dir="${XDG_CACHE_HOME:-$HOME/.cache}/agentless-discovery/node-$NODE22_VERSION"
node22="$dir/node_modules/.bin/node"
if [ ! -x "$node22" ] || [ "$("$node22" --version)" != "v$NODE22_VERSION" ]; then
    rm -rf "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock "node@$NODE22_VERSION" >/dev/null
fi
[ "$("$node22" --version)" = "v$NODE22_VERSION" ] || { echo "error: node@$NODE22_VERSION did not install a working Node $NODE22_VERSION" >&2; exit 1; }
start=$(date +%s)
"$node22" --require=./test/mutation/mochaCliPaths.cjs node_modules/@stryker-mutator/core/bin/stryker.js run "$@"
echo "stryker: $(( $(date +%s) - start )) s"
node scripts/mutation-scores.js .stryker-tmp/mutation.json
