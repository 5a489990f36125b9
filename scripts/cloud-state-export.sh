#!/usr/bin/env bash
# One deployed stack's step of .github/workflows/cloud-state.yml: re-export the stack's cloud-state
# file from the live cloud (npm run cloud-state, with the job's OIDC logins), and write into OUT the
# new file, its difference from the committed one and the plan's difference (plan --against the
# plan of the committed file), for scripts/cloud-state-pr.sh to gather into one pull request.
#
#   scripts/cloud-state-export.sh STACK OUT
#
# OUT/<STACK>.cloud.yaml   the exported file
# OUT/cloud-state.diff     git diff of the file, its read-at/read-as header lines aside (empty: the
#                          cloud still matches the committed file; only the time it was read changed)
# OUT/plan-diff.md         the "Changes against" section of the offline plan (markdown)
# STACKS_DIR overrides stacks/ (tests).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: scripts/cloud-state-export.sh STACK OUT" >&2; exit 2; }
stack="$1"
out="$2"
stacks_dir="${STACKS_DIR:-stacks}"
file="$stacks_dir/$stack.cloud.yaml"
mkdir -p "$out"

# The offline plan cannot decrypt a secure azureTenantId; its shape is all the plan checks
# (as in .github/workflows/pr.yml).
plan_args=()
stack_file=
for f in "$stacks_dir/Pulumi.$stack.yaml" "$stacks_dir/Pulumi.$stack.yml"; do
  if [ -f "$f" ]; then stack_file=$f; break; fi
done
if [ -n "$stack_file" ] && grep -qE '^[[:space:]]+(agentless-discovery:)?azureTenantId:[[:space:]]*$' "$stack_file"; then
  plan_args=(--config azureTenantId=00000000-0000-0000-0000-000000000000)
fi

had_file=false
if [ -f "$file" ]; then
  had_file=true
  npm run --silent plan -- --stack "$stack" --format json "${plan_args[@]}" > "$out/before.json"
fi

npm run --silent cloud-state -- --stack "$stack" --out "$file"
cp "$file" "$out/$stack.cloud.yaml"

if $had_file; then
  git diff --no-color --ignore-matching-lines='^# read-a[ts]:' -- "$file" > "$out/cloud-state.diff"
  npm run --silent plan -- --stack "$stack" --format markdown --against "$out/before.json" "${plan_args[@]}" \
    | awk '/^#### Changes against/ { on = 1; next } on && /^#### / { exit } on' > "$out/plan-diff.md"
else
  # A stack's first export: the whole file is the difference, and the whole plan is new.
  git diff --no-color --no-index -- /dev/null "$file" > "$out/cloud-state.diff" || [ $? -eq 1 ]
  npm run --silent plan -- --stack "$stack" --format markdown "${plan_args[@]}" > "$out/plan-diff.md"
fi
rm -f "$out/before.json"
