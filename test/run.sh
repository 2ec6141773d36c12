#!/usr/bin/env bash
# The whole test suite. Installs what the tests need (Debian packages via apt-get when root and missing),
# builds, and runs node's test runner over unit, integration and end-to-end tests. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v snmpsimd >/dev/null 2>&1 || need+=(snmpsim)
command -v snmpget >/dev/null 2>&1 || need+=(snmp)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v ping >/dev/null 2>&1 || need+=(iputils-ping)   # services: checkPing runs the system's ping
command -v ip >/dev/null 2>&1 || need+=(iproute2)          # services: the ping-loss test's network namespace
command -v crontab >/dev/null 2>&1 || need+=(cron)   # test/e2e/cron.test.mjs: the real crontab on a private spool
command -v go >/dev/null 2>&1 || need+=(golang-go)
[ -d /usr/share/gocode/src/github.com/vmware/govmomi/simulator ] || need+=(golang-github-vmware-govmomi-dev)
# IPP tests: a private cupsd, lp/lpstat/cancel to seed jobs, ipptool for jobs "from other hosts"
command -v cupsd >/dev/null 2>&1 || [ -x /usr/sbin/cupsd ] || need+=(cups-daemon)
command -v lp >/dev/null 2>&1 || need+=(cups-client)
command -v ipptool >/dev/null 2>&1 || need+=(cups-ipp-utils)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)      # OpenMetrics: promtool check metrics
command -v chromium >/dev/null 2>&1 || need+=(chromium)        # the HTML page, rendered headless
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
[ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ] || need+=(libfaketime)   # history e2e: a week of polls
command -v tmux >/dev/null 2>&1 || need+=(tmux)                # what a terminal shows
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
