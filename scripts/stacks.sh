#!/usr/bin/env bash
# Prints the stack names under stacks/ as a JSON array, for a workflow matrix.
set -euo pipefail
cd "$(dirname "$0")/.."
ls stacks | sed -n 's/^Pulumi\.\(.*\)\.yaml$/\1/p' | sort | awk 'BEGIN{printf "["} NR>1{printf ","} {printf "\"%s\"", $0} END{print "]"}'
