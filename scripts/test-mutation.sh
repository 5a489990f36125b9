#!/usr/bin/env bash
# `npm run test:mutation [-- stryker options]`: mutation testing of the modules that guard access
# (test/mutation/modules.json), one Stryker run per module (stryker.config.mjs): the module's files
# mutated, judged by the module's own tests (its `tests`: test/mutation/mocharc.cjs narrows the
# in-process test files to them), incremental against the module's committed results
# (test/mutation/incremental/<module>.json), so that only mutants of changed code, or covered by
# changed tests, run again. Then the score per module (scripts/mutation-scores.js), which fails
# under 85%.
#
#   npm run test:mutation                                   every module
#   MUTATION_MODULES="policy pack,aws-auth merge" npm run test:mutation    some of them
#   MUTATE=<files> [MUTATION_SPEC=<tests>] bash scripts/test-mutation.sh --incrementalFile /tmp/x.json
#                                                           one run of some files, while writing tests;
#                                                           it never writes the committed results
#
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
stryker() { "$node22" --require=./test/mutation/mochaCliPaths.cjs node_modules/@stryker-mutator/core/bin/stryker.js run "$@"; }

reports=.stryker-tmp/reports
rm -rf "$reports"
mkdir -p "$reports"
start=$(date +%s)
if [ -n "${MUTATE:-}" ]; then
    MUTATION_REPORT="$reports/files.json" stryker "$@"
else
    modules="$(node scripts/mutation-scores.js --list "${MUTATION_MODULES:-}")"
    mkdir -p test/mutation/incremental
    while IFS=$'\t' read -r name files tests; do
        echo "== $name: $files, judged by $tests"
        t=$(date +%s)
        MUTATE="$files" MUTATION_SPEC="$tests" MUTATION_REPORT="$reports/$name.json" \
            stryker --incrementalFile "test/mutation/incremental/$name.json" "$@"
        echo "== $name: $(( $(date +%s) - t )) s"
    done <<< "$modules"
fi
echo "stryker: $(( $(date +%s) - start )) s"
node scripts/mutation-scores.js "$reports"/*.json
