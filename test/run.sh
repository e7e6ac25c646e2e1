#!/usr/bin/env bash
# The project's whole test run: type check, unit tests, then the suites that start real processes.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json --noEmit
mapfile -t unit < <(find test/unit -name '*.test.ts' | sort)
node --import tsx --test --test-reporter=spec "${unit[@]}"
