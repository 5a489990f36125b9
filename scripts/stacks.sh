#!/usr/bin/env bash
# Stack names as a JSON array, for a workflow matrix.
#   scripts/stacks.sh             every stack that can be planned offline: stacks/ and examples/stacks/
#   scripts/stacks.sh --deployed  the stacks named in stacks/deployed-stacks.txt (one per line, # comments),
#                                 the only ones the real preview and drift workflows touch; each must be
#                                 a stacks/Pulumi.<name>.yaml (an example stack is never deployed)
# STACKS_DIR and EXAMPLE_STACKS_DIR override the folders (tests).
set -euo pipefail
cd "$(dirname "$0")/.."
stacks_dir="${STACKS_DIR:-stacks}"
examples_dir="${EXAMPLE_STACKS_DIR:-examples/stacks}"

names_in() { [ -d "$1" ] && ls "$1" | sed -n 's/^Pulumi\.\(.*\)\.ya\?ml$/\1/p' || true; }
json() { sort -u | awk 'BEGIN{printf "["} NR>1{printf ","} {printf "\"%s\"", $0} END{print "]"}'; }

case "${1:-}" in
  "") { names_in "$stacks_dir"; names_in "$examples_dir"; } | json ;;
  --deployed)
    list="$stacks_dir/deployed-stacks.txt"
    [ -f "$list" ] || { echo "[]"; exit 0; }
    names=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | sed '/^$/d')
    for n in $names; do
      if [ ! -f "$stacks_dir/Pulumi.$n.yaml" ] && [ ! -f "$stacks_dir/Pulumi.$n.yml" ]; then
        echo "scripts/stacks.sh: $list names \"$n\", but there is no $stacks_dir/Pulumi.$n.yaml; list only stacks of $stacks_dir/" >&2
        exit 1
      fi
    done
    printf '%s\n' $names | sed '/^$/d' | json ;;
  *) echo "usage: scripts/stacks.sh [--deployed]" >&2; exit 2 ;;
esac
