#!/usr/bin/env bash
# Builds the Go programs that tests and CI run (tools/go/<name>/: one pinned module each, its
# programs named by `tool` lines in its go.mod; an optional `ldflags` file beside it, for the
# version stamps that upstream release builds set) into a cache outside the clone, once per version,
# and prints the folder that holds the binaries.
#
#   scripts/go-tools.sh <name>          build if needed, print the bin folder
#   scripts/go-tools.sh --list          the names there are
#
# The cache key is the module's go.mod, go.sum, ldflags and own Go sources and the Go version, so a new pin builds anew and
# an old build is never reused for it. Binaries are built in a temporary folder and moved into place
# whole, so a killed build leaves nothing that looks complete. Never commit a built binary.
# Cache root: $AGENTLESS_GO_TOOLS_CACHE, else $XDG_CACHE_HOME/agentless-discovery/go-tools,
# else ~/.cache/agentless-discovery/go-tools.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/tools/go"

if [ "${1:-}" = "--list" ]; then
    for d in "$tools"/*/; do basename "$d"; done
    exit 0
fi
name="${1:-}"
if [ -z "$name" ] || [ ! -f "$tools/$name/go.mod" ]; then
    echo "error: go tool \"$name\" is not one of: $(ls "$tools" | tr '\n' ' ')(tools/go/<name>/go.mod)" >&2
    exit 2
fi
command -v go >/dev/null 2>&1 || { echo "error: the go command is needed to build $name (Go 1.26 or later)" >&2; exit 1; }

module="$tools/$name"
ldflags=""
[ -f "$module/ldflags" ] && ldflags="$(grep -v '^#' "$module/ldflags" | tr '\n' ' ')"
key="$( { go env GOVERSION; cat "$module/go.mod" "$module/go.sum"; echo "$ldflags"; find "$module" -name '*.go' | LC_ALL=C sort | xargs -r cat; } | sha256sum | cut -c1-16)"
cache="${AGENTLESS_GO_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/agentless-discovery/go-tools}"
dest="$cache/$name-$key"
if [ -f "$dest/.complete" ]; then
    echo "$dest/bin"
    exit 0
fi

mkdir -p "$cache"
work="$(mktemp -d "$cache/.$name-$key.XXXXXX")"
trap 'rm -rf "$work"' EXIT
start=$SECONDS
# -mod=readonly: the committed go.sum is the pin; a module it does not list is an error, not a download.
(cd "$module" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -ldflags "$ldflags" -o "$work/bin/" tool) >&2
echo "$((SECONDS - start))" > "$work/build-seconds"
touch "$work/.complete"
rm -rf "$dest"
mv "$work" "$dest"
trap - EXIT
echo "built $name in $((SECONDS - start)) s into $dest" >&2
echo "$dest/bin"
