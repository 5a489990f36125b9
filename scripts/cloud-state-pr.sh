#!/usr/bin/env bash
# The last job of .github/workflows/cloud-state.yml: gathers what scripts/cloud-state-export.sh
# wrote for each deployed stack (IN/<anything>/<stack>.cloud.yaml, cloud-state.diff, plan-diff.md)
# and, when a file differs from the committed one, commits the new files on BRANCH and opens (or
# updates) one pull request. Its body holds each changed file's difference and its plan difference,
# so a change in the cloud reaches review as a diff; a file whose content is the same but whose
# "# read-at:" time is newer is listed as read again without change (merging it renews the time the
# pull-request gate's freshness check reads). No file differs: no commit and no pull request.
#
#   scripts/cloud-state-pr.sh IN [BRANCH]     (BRANCH default cloud-state/refresh)
#
# Runs git and gh (GH_TOKEN) in the repository's working tree; STACKS_DIR overrides stacks/.
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 2 ]; then echo "usage: scripts/cloud-state-pr.sh IN [BRANCH]" >&2; exit 2; fi
in="$1"
branch="${2:-cloud-state/refresh}"
stacks_dir="${STACKS_DIR:-stacks}"
# GitHub refuses a pull-request body over 65536 characters; leave room for the lines around it.
max_body=60000

body=$(mktemp)
trap 'rm -f "$body" "$body".*' EXIT
changed=()
confirmed=()
while IFS= read -r new; do
  dir=$(dirname "$new")
  stack=$(basename "$new" .cloud.yaml)
  target="$stacks_dir/$stack.cloud.yaml"
  cp "$new" "$target"
  if git diff --quiet -- "$target" && [ -z "$(git ls-files --others --exclude-standard -- "$target")" ]; then
    continue
  fi
  if [ ! -s "$dir/cloud-state.diff" ]; then
    confirmed+=("$stack")
    continue
  fi
  changed+=("$stack")
  # The backticks are markdown, not command substitutions.
  # shellcheck disable=SC2016
  {
    printf '### `%s`\n\n<details><summary>cloud-state file</summary>\n\n```diff\n' "$stack"
    cat "$dir/cloud-state.diff"
    printf '```\n\n</details>\n\n**Plan changes** (`npm run plan -- --stack %s --against` the plan of the committed file):\n\n' "$stack"
    if [ -s "$dir/plan-diff.md" ]; then cat "$dir/plan-diff.md"; else echo "(none)"; fi
    printf '\n'
  } >> "$body"
done < <(find "$in" -name '*.cloud.yaml' | sort)

if [ ${#changed[@]} -eq 0 ] && [ ${#confirmed[@]} -eq 0 ]; then
  echo "every deployed stack's cloud-state file is as committed: no pull request"
  exit 0
fi

if [ "$(wc -c < "$body")" -gt "$max_body" ]; then
  head -c "$max_body" "$body" > "$body.cut"
  printf '\n\n(cut at %d characters: the whole difference is in the commit and in the artifacts of run %s)\n' \
    "$max_body" "${GITHUB_RUN_ID:-}" >> "$body.cut"
  mv "$body.cut" "$body"
fi
{
  if [ ${#changed[@]} -gt 0 ]; then
    printf 'The scheduled re-export found that the cloud no longer matches %d cloud-state file(s): %s.\n' \
      "${#changed[@]}" "${changed[*]}"
    printf 'Review each difference and its plan difference; merging makes the pull-request gate judge the cloud as it is now.\n\n'
  fi
  if [ ${#confirmed[@]} -gt 0 ]; then
    printf 'Read again without change: %s (only the read-at time is newer; merging renews it for the freshness check).\n\n' \
      "${confirmed[*]}"
  fi
  cat "$body"
} > "$body.full"
mv "$body.full" "$body"

if [ ${#changed[@]} -gt 0 ]; then
  title="Cloud-state refresh: ${changed[*]} changed"
else
  title="Cloud-state refresh: no change, read again"
fi
git checkout -B "$branch"
for s in "${changed[@]}" "${confirmed[@]}"; do git add -- "$stacks_dir/$s.cloud.yaml"; done
git -c user.name="github-actions[bot]" -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
  commit --quiet -m "$title"
git push --force origin "$branch"
if [ -n "$(gh pr list --head "$branch" --state open --json number --jq '.[].number')" ]; then
  gh pr edit "$branch" --title "$title" --body-file "$body"
else
  gh pr create --head "$branch" --title "$title" --body-file "$body"
fi
