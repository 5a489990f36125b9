#!/usr/bin/env bash
# The last job of .github/workflows/cloud-state.yml: gathers what scripts/cloud-state-export.sh
# wrote for each deployed stack (IN/<anything>/<stack>.cloud.yaml, cloud-state.diff, plan-diff.md),
# and, when a file changed, commits the new files on BRANCH and opens (or updates) one pull request
# whose body holds each file's difference and its plan difference, so a change in the cloud reaches
# review as a diff. Nothing changed: no commit, no pull request, and an open one is left as it is.
#
#   scripts/cloud-state-pr.sh IN [BRANCH]     (BRANCH default cloud-state/refresh)
#
# Runs git and gh (GH_TOKEN) in the repository's working tree; STACKS_DIR overrides stacks/.
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then echo "usage: scripts/cloud-state-pr.sh IN [BRANCH]" >&2; exit 2; fi
in="$1"
branch="${2:-cloud-state/refresh}"
stacks_dir="${STACKS_DIR:-stacks}"
# GitHub refuses a pull-request body over 65536 characters; leave room for the closing lines.
max_body=60000

body=$(mktemp)
trap 'rm -f "$body"' EXIT
changed=()
while IFS= read -r diff; do
  dir=$(dirname "$diff")
  [ -s "$diff" ] || continue
  new=$(find "$dir" -maxdepth 1 -name '*.cloud.yaml' | head -1)
  [ -n "$new" ] || { echo "error: $dir has a cloud-state.diff but no <stack>.cloud.yaml" >&2; exit 1; }
  stack=$(basename "$new" .cloud.yaml)
  cp "$new" "$stacks_dir/$stack.cloud.yaml"
  changed+=("$stack")
  # The backticks are markdown, not command substitutions.
  # shellcheck disable=SC2016
  {
    printf '### `%s`\n\n<details><summary>cloud-state file</summary>\n\n```diff\n' "$stack"
    cat "$diff"
    printf '```\n\n</details>\n\n**Plan changes** (`npm run plan -- --stack %s --against` the plan of the committed file):\n\n' "$stack"
    if [ -s "$dir/plan-diff.md" ]; then cat "$dir/plan-diff.md"; else echo "(none)"; fi
    printf '\n'
  } >> "$body"
done < <(find "$in" -name cloud-state.diff | sort)

if [ ${#changed[@]} -eq 0 ]; then
  echo "every deployed stack's cloud-state file still matches the cloud: no pull request"
  exit 0
fi

if [ "$(wc -c < "$body")" -gt "$max_body" ]; then
  head -c "$max_body" "$body" > "$body.cut"
  printf '\n\n(cut at %d characters: the whole difference is in the commit and in the run %s)\n' \
    "$max_body" "${GITHUB_RUN_ID:-}" >> "$body.cut"
  mv "$body.cut" "$body"
fi
{
  printf 'The scheduled re-export found that the cloud no longer matches %d cloud-state file(s): %s.\n' \
    "${#changed[@]}" "${changed[*]}"
  printf 'Review each difference and its plan difference; merging makes the pull-request gate judge the cloud as it is now.\n\n'
  cat "$body"
} > "$body.full"
mv "$body.full" "$body"

title="Cloud-state refresh: ${changed[*]}"
git checkout -B "$branch"
for s in "${changed[@]}"; do git add -- "$stacks_dir/$s.cloud.yaml"; done
git -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
  commit --quiet -m "$title"
git push --force origin "$branch"
if [ -n "$(gh pr list --head "$branch" --state open --json number --jq '.[].number')" ]; then
  gh pr edit "$branch" --title "$title" --body-file "$body"
else
  gh pr create --head "$branch" --title "$title" --body-file "$body"
fi
