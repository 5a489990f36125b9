#!/usr/bin/env bash
# `npm run test:engines`: builds the real engines from the Go module proxy (once per version, into a
# cache outside the clone: scripts/go-tools.sh), prints each one's name and version, and runs the
# suite that judges the project with them (test/engines/). Build times are printed on a cold cache.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

build() {
    local name="$1" start=$SECONDS dir
    dir="$(bash scripts/go-tools.sh "$name")"
    echo "engine build: $name ready in $((SECONDS - start)) s (built in $(cat "$dir/../build-seconds") s)" >&2
    echo "$dir"
}
export AGENTLESS_ENGINE_KUBE_BIN="$(build kube)"
export AGENTLESS_ENGINE_GATOR_BIN="$(build gator)"
export AGENTLESS_ENGINE_PULUMI_BIN="$(build pulumi)"

echo "engines:"
echo "  kube-apiserver $("$AGENTLESS_ENGINE_KUBE_BIN/kube-apiserver" --version | awk '{print $2}')"
echo "  etcd $("$AGENTLESS_ENGINE_KUBE_BIN/server" --version | awk '/etcd Version/ {print "v"$3}')"
echo "  kubectl $("$AGENTLESS_ENGINE_KUBE_BIN/kubectl" version --client -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).clientVersion.gitVersion))')"
echo "  gator $("$AGENTLESS_ENGINE_GATOR_BIN/gator" --version | awk '{print $3; exit}')"
echo "  pulumi $("$AGENTLESS_ENGINE_PULUMI_BIN/pulumi" version)"
echo "  pulumi-language-nodejs $("$AGENTLESS_ENGINE_PULUMI_BIN/pulumi-language-nodejs" -version) (the project's own host: docs/verification.md)"

exec node node_modules/mocha/bin/mocha.js --config test/engines/mocharc.json "$@"
