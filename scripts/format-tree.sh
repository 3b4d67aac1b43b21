#!/usr/bin/env bash
# Formats the whole tree with Biome and commits the result as one commit holding nothing else.
# Run on a clean work tree whose lint findings are already fixed by hand in commits of their own.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "$(git status --porcelain)" ]; then
  echo "The work tree has uncommitted changes: commit or stash them first, so the format commit holds only formatting." >&2
  exit 1
fi

# One pass can leave a member chain that a second pass lays out differently: format until it settles.
for _ in 1 2 3; do
  npx biome format --write . >/dev/null
  if npx biome format . >/dev/null 2>&1; then break; fi
done

# Formatting never fixes lint findings: if any remain, they need a hand-made commit before this one.
if ! npx biome ci .; then
  git checkout -- .
  echo "Lint findings remain (above): fix them in a commit of their own, then run this again." >&2
  exit 1
fi

if [ -z "$(git status --porcelain)" ]; then
  echo "The tree is already formatted: nothing to commit."
  exit 0
fi

git commit --quiet --all --message "Format the whole tree with Biome (scripts/format-tree.sh): the formatter's output only, the linter already clean, no other change"
git log -1 --shortstat
