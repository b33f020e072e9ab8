#!/usr/bin/env bash
# Runs the unit/API suite (PGlite) on Node 24, installed from the npm registry's
# `node` package into a scratch prefix (NODE24_PREFIX, default $TMPDIR/leadflow-node24).
# Usage: bash scripts/test-node24.sh [--install-only | vitest args...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

prefix=${NODE24_PREFIX:-${TMPDIR:-/tmp}/leadflow-node24}
node24_bin=$prefix/node_modules/node/bin

if [[ ! -x $node24_bin/node ]] || [[ $("$node24_bin/node" --version) != v24.* ]]; then
  echo "Installing node@24 into $prefix..."
  rm -rf "$prefix"
  mkdir -p "$prefix"
  # The `node` package fetches its platform binary in a preinstall script; approve
  # exactly that script so npm's install-script policy neither warns nor blocks it.
  echo '{ "private": true, "allowScripts": { "node": true } }' > "$prefix/package.json"
  npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$prefix" node@24
fi

export PATH="$node24_bin:$PATH"
version=$(node --version)
echo "node --version: $version ($(command -v node))"
[[ $version == v24.* ]] || { echo "test-node24: expected Node 24, got $version" >&2; exit 1; }
[[ ${1:-} == --install-only ]] && exit 0

# PGlite only: the PostgreSQL run is covered on the default Node.
unset TEST_DATABASE_URL
exec node node_modules/vitest/vitest.mjs run "$@"
