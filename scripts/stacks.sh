#!/usr/bin/env bash
# Stack names as a JSON array, for a workflow matrix: every stack that can be planned offline,
# stacks/ and examples/stacks/. The deployed stacks, with their accounts and identities, come from
# stacks/deployments.yaml through `npm run deployments -- matrix` instead.
# STACKS_DIR and EXAMPLE_STACKS_DIR override the folders (tests).
set -euo pipefail
cd "$(dirname "$0")/.."
stacks_dir="${STACKS_DIR:-stacks}"
examples_dir="${EXAMPLE_STACKS_DIR:-examples/stacks}"

names_in() {
  local f
  for f in "$1"/Pulumi.*.yaml "$1"/Pulumi.*.yml; do
    if [ -f "$f" ]; then basename "$f" | sed -n 's/^Pulumi\.\(.*\)\.ya\?ml$/\1/p'; fi
  done
}
json() { sort -u | awk 'BEGIN{printf "["} NR>1{printf ","} {printf "\"%s\"", $0} END{print "]"}'; }

case "${1:-}" in
  "") { names_in "$stacks_dir"; names_in "$examples_dir"; } | json ;;
  *) echo "usage: scripts/stacks.sh (the deployed stacks: npm run deployments -- matrix)" >&2; exit 2 ;;
esac
