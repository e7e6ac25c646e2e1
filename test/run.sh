#!/usr/bin/env bash
# The whole test run: type check and build, unit tests, process tests, then the suites that compare
# Flotilla with real etcd and real clients. Each stage must pass; the last line sums them all.
set -euo pipefail
cd "$(dirname "$0")/.."
logdir=$(mktemp -d)
trap 'rm -rf "$logdir"' EXIT
passed=0
failed=0

# stage NAME CMD...: runs CMD, shows its output, and adds its counts (node:test "# pass N"/"# fail N"
# or a closing "N passed, N failed" line) to the totals.
stage() {
  local name=$1; shift
  echo "=== $name"
  local log="$logdir/$name.log" rc=0
  "$@" 2>&1 | tee "$log" || rc=${PIPESTATUS[0]}
  local p f
  p=$(grep -E '^(# |ℹ )pass [0-9]+$' "$log" | tail -1 | grep -oE '[0-9]+$' || true)
  f=$(grep -E '^(# |ℹ )fail [0-9]+$' "$log" | tail -1 | grep -oE '[0-9]+$' || true)
  local simline
  simline=$(grep -E '^seeds=[0-9]+ safety=[0-9]+ linearizability=[0-9]+ liveness=[0-9]+$' "$log" | tail -1 || true)
  if [ -z "$p" ] && [ -n "$simline" ]; then
    local n bad
    n=$(echo "$simline" | sed -E 's/^seeds=([0-9]+).*/\1/')
    bad=$(( $(echo "$simline" | grep -oE '(safety|linearizability|liveness)=[0-9]+' | cut -d= -f2 | tr '\n' '+')0 ))
    p=$((n - bad)); f=$bad
  fi
  if [ -z "$p" ]; then
    local line
    line=$(grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1 || true)
    p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || echo 0)
    f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || echo 0)
  fi
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
  echo "=== $name: ${p:-0} passed, ${f:-0} failed (exit $rc)"
  if [ "$rc" -ne 0 ]; then
    echo "$name failed"
    if [ "${#not_run[@]}" -gt 0 ]; then echo "not run (no ../shared beside the project): ${not_run[*]}"; fi
echo "total: $passed passed, $failed failed"
    exit 1
  fi
}

# What the suites run beside Flotilla: real etcd 3.4 and the real clients. Missing ones stop the run
# at once, naming the Debian packages, rather than letting stages skip.
missing=()
command -v etcd >/dev/null || missing+=(etcd-server)
command -v etcdctl >/dev/null || missing+=(etcd-client)
# Debian's python3-etcd lives in the system interpreter, which a python3 earlier on the PATH may not be.
{ /usr/bin/python3 -c 'import etcd' || python3 -c 'import etcd'; } 2>/dev/null || missing+=(python3-etcd)
for tool in jq curl openssl wrk chromium; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "npm test needs these Debian packages: apt-get install ${missing[*]}"
  echo "total: 0 passed, 1 failed"
  exit 1
fi

# shared_stage NAME PATH CMD...: a stage that runs suites kept beside the project in ../shared (the
# differential tester, the real-client suites, confd's golden cases). Without that folder it is
# reported as not run, and counts neither as passed nor as failed.
not_run=()
shared_stage() {
  local name=$1 path=$2; shift 2
  if [ -e "../shared/$path" ]; then
    stage "$name" "$@"
  else
    echo "=== $name: not run (../shared/$path is not there)"
    not_run+=("$name")
  fi
}

stage typecheck npx tsc -p tsconfig.json --noEmit
npm run build --silent
mapfile -t unit < <(find test/unit -name '*.test.ts' | sort)
stage unit node --import tsx --test --test-reporter=tap "${unit[@]}"
mapfile -t integration < <(find test/integration -name '*.test.ts' | sort)
stage sim-3 npm run sim --silent -- --seeds 500 --nodes 3
stage sim-5 npm run sim --silent -- --seeds 500 --nodes 5
stage integration node --import tsx --test --test-reporter=tap --test-concurrency=1 "${integration[@]}"
shared_stage conformance conformance/run.mjs node --import tsx test/support/with-etcd.ts -- node ../shared/conformance/run.mjs --target '{url}' --start-reference
shared_stage clients clients/run-all.sh node --import tsx test/support/with-etcd.ts -- ../shared/clients/run-all.sh '{url}'
stage etcdctl-diff node --import tsx test/etcdctl-diff/run.ts --no-build
# The etcdctl checks, with Flotilla's etcdctl in place of the real one on the PATH.
mkdir -p "$logdir/bin" && ln -sf "$PWD/bin/etcdctl" "$logdir/bin/etcdctl"
PATH="$logdir/bin:$PATH" shared_stage etcdctl-suite clients/etcdctl.sh node --import tsx test/support/with-etcd.ts -- bash ../shared/clients/etcdctl.sh '{url}'
stage crash node --import tsx test/crash/run.ts --rounds 20
mapfile -t cluster < <(find test/cluster -name '*.test.ts' | sort)
stage cluster env CLUSTER_IMPL=flotilla node --import tsx --test --test-reporter=tap --test-concurrency=1 "${cluster[@]}"
stage fault node --import tsx test/cluster/fault.ts --seeds 3 --duration 20 --impl flotilla
shared_stage cluster-conformance conformance/run.mjs node --import tsx test/cluster/conformance-3node.ts --impl flotilla
shared_stage confd-cases confd-cases node --import tsx test/confd-cases/run.ts --impl flotilla
stage confd node --import tsx --test --test-reporter=tap --test-concurrency=1 test/confd-cases/watch.test.ts test/confd-cases/etcd-backend.test.ts test/confd-cases/tls.test.ts
# A real browser (Debian's chromium) reading watches as Server-Sent Events.
stage browser node --import tsx --test --test-reporter=tap --test-concurrency=1 test/browser/event-source.test.ts

if [ "${#not_run[@]}" -gt 0 ]; then echo "not run (no ../shared beside the project): ${not_run[*]}"; fi
echo "total: $passed passed, $failed failed"
