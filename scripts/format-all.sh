#!/usr/bin/env bash
# Formats the whole tree once and applies Biome's safe lint fixes, then checks that the result is clean.
# For the lead, once, after every open branch has been merged (formatting earlier would conflict with every branch):
#
#   bash scripts/format-all.sh && git commit -am 'Format the tree with Biome (scripts/format-all.sh)'
#
# After that, `npm test` keeps it formatted (`npm run format:check`); `npm run format` fixes a file you touched.
set -euo pipefail
cd "$(dirname "$0")/.."

# Twice: Biome 2.6 settles a few long call chains only on the second pass (the second run is a no-op otherwise).
npx biome format --write .
npx biome format --write .
# Safe fixes only (e.g. unused imports); unsafe ones need a person.
npx biome lint --write .
# Everything must be clean now: formatting, lint (warnings included), and the TypeScript still compiles.
npx biome ci --error-on-warnings .
npm run typecheck
git status --short | sed 's/^/changed: /' | wc -l | sed 's/$/ files changed/'
