#!/usr/bin/env bash
# Prints the stack names under stacks/ (Pulumi.<stack>.yaml or .yml) as a JSON array, for a workflow matrix.
# STACKS_DIR overrides the folder (tests).
set -euo pipefail
cd "$(dirname "$0")/.."
ls "${STACKS_DIR:-stacks}" | sed -n 's/^Pulumi\.\(.*\)\.ya\?ml$/\1/p' | sort -u | awk 'BEGIN{printf "["} NR>1{printf ","} {printf "\"%s\"", $0} END{print "]"}'
