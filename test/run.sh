#!/usr/bin/env bash
# The whole test suite. Installs what the tests need (Debian packages via apt-get when root and missing),
# builds, and runs node's test runner over unit, integration and end-to-end tests. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v snmpsimd >/dev/null 2>&1 || need+=(snmpsim)
command -v snmpget >/dev/null 2>&1 || need+=(snmp)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v crontab >/dev/null 2>&1 || need+=(cron)   # test/e2e/cron.test.mjs: the real crontab on a private spool
command -v go >/dev/null 2>&1 || need+=(golang-go)
[ -d /usr/share/gocode/src/github.com/vmware/govmomi/simulator ] || need+=(golang-github-vmware-govmomi-dev)
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "test/run.sh: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "test/run.sh: missing Debian packages: ${need[*]} — install them (apt-get install ${need[*]}) or run as root" >&2
    exit 1
  fi
fi

[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build
[ -x test/vcsim/build.sh ] && bash test/vcsim/build.sh

files=$(find test/unit test/integration test/e2e -name '*.test.mjs' 2>/dev/null | sort)
# One file at a time keeps the snmpsim/vcsim peers of different files from competing for 2 cores.
exec node --test --test-concurrency=1 $files
