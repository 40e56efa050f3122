#!/usr/bin/env bash
# Writes the build's code version for model provenance (io.simstream.provenance.BuildInfo):
#   build-info.sh OUT_FILE PROJECT_VERSION SOURCE_DIR
# The commit is "unknown" when SOURCE_DIR is not in a git work tree (a source archive, the Docker
# build context) or git is not installed; the build never fails for it.
set -u
out="$1"
version="$2"
dir="$3"
commit=unknown
dirty=unknown
if command -v git >/dev/null 2>&1 && c=$(git -C "$dir" rev-parse --verify -q HEAD 2>/dev/null); then
    commit="$c"
    # Tracked files only: generated and ignored files do not make a build dirty.
    if git -C "$dir" diff --quiet HEAD -- 2>/dev/null; then dirty=false; else dirty=true; fi
fi
mkdir -p "$(dirname "$out")"
printf 'version=%s\ncommit=%s\ndirty=%s\n' "$version" "$commit" "$dirty" > "$out"
