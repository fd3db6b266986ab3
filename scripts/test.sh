#!/usr/bin/env bash
# Runs every test against real services it starts itself: a throwaway PostgreSQL 15 cluster,
# s3rver and azurite on 127.0.0.1. Prints `N passed, N failed, N skipped` and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
started=$(date +%s)
. scripts/lib/postgres.sh
. scripts/lib/emulators.sh
. scripts/lib/pgbackrest.sh

# User + system CPU seconds of this script's ended child processes, from a file holding bash's `times` (second line).
children_cpu_s() { awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%.0f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$1"; }
# CPU seconds of the test cluster: the postmaster and its ended backends (their time rolls up into it as it reaps them).
pg_cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15 + $16 + $17) / hz }' "/proc/$(head -1 "$1/postmaster.pid")/stat"; }

work="$root/.local/test-run"
rm -rf "$work"
mkdir -p "$work"
cleanup() {
  if [ -n "${build_pid:-}" ]; then kill "$build_pid" 2>/dev/null || true; fi
  pg_stop "$work/pg"
  emulator_stop "$work/s3"
  emulator_stop "$work/azurite"
}
trap cleanup EXIT

pg_ensure_installed
# The PITR tests drive the real pgBackRest against an archiving cluster of their own.
pgbackrest_ensure_installed
emulators_install
# The systemd tests run systemd's own checks on the unit.
if ! command -v systemd-analyze >/dev/null; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >&2
fi
# The monitoring tests run the real Prometheus (and promtool) and Alertmanager. Installing them would start Debian's
# services on their default ports: a policy-rc.d that refuses keeps them stopped; the tests start their own.
if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null || ! command -v prometheus-alertmanager >/dev/null; then
  made_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  # DPkg::Lock::Timeout: another install in progress is waited for, not a failure.
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends prometheus prometheus-alertmanager >&2 || install_failed=1
  if [ -n "$made_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
  if [ -n "${install_failed:-}" ]; then echo "installing prometheus and prometheus-alertmanager failed" >&2; exit 1; fi
fi
# The evidence tests check bundles with the auditor's own tools.
if ! command -v openssl >/dev/null || ! command -v sha256sum >/dev/null; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl coreutils >&2
fi

# The three services start at once (node takes seconds to start on a loaded machine).
pg_port=$(pg_free_port)
s3_port=$(pg_free_port)
az_port=$(pg_free_port)
pg_start "$work/pg" "$pg_port" fast & pg_pid=$!
s3rver_start "$work/s3" "$s3_port" & s3_pid=$!
azurite_start "$work/azurite" "$az_port" & az_pid=$!
for pid in "$pg_pid" "$s3_pid" "$az_pid"; do wait "$pid" || { echo "a test service did not start" >&2; exit 1; }; done
export AIONIS_TEST_PG="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
export AIONIS_TEST_S3_ENDPOINT="http://127.0.0.1:$s3_port"
export AIONIS_TEST_AZURE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$az_port/devstoreaccount1;"

echo "services: postgres 127.0.0.1:$pg_port, s3rver :$s3_port, azurite :$az_port" >&2

# The build starts once the services listen: beside it, node's first start on a fresh machine outlasted the emulators'
# start-up deadline (CI failed with "a test service did not start").
dotnet build Aionis.sln -c Release -v q -nologo >"$work/build.log" 2>&1 &
build_pid=$!

build_status=0
wait "$build_pid" || build_status=$?
build_pid=
if [ "$build_status" != 0 ]; then cat "$work/build.log" >&2; echo "the build failed" >&2; exit 1; fi
built=$(date +%s)
times > "$work/cpu.before"
pg_before=$(pg_cpu_s "$work/pg")
status=0
dotnet test tests/Aionis.Tests/Aionis.Tests.csproj -c Release --no-build -nologo \
  --logger "trx;LogFileName=$work/results.trx" --logger "console;verbosity=normal" "$@" >&2 || status=$?

python3 - "$work/results.trx" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception as e:
    print(f"no test results ({e})"); print("0 passed, 1 failed, 0 skipped"); sys.exit(0)
ns = {"t": root.tag.split("}")[0].strip("{")}
c = root.find(".//t:ResultSummary/t:Counters", ns).attrib
failed = int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
skipped = int(c.get("notExecuted", 0)) + int(c.get("inconclusive", 0))
for r in root.findall(".//t:UnitTestResult", ns):
    if r.get("outcome") == "Failed":
        print(f"FAILED {r.get('testName')}")
print(f"{c.get('passed', 0)} passed, {failed} failed, {skipped} skipped")
PY
finished=$(date +%s)
times > "$work/cpu.after"
tests_cpu=$(( $(children_cpu_s "$work/cpu.after") - $(children_cpu_s "$work/cpu.before") + $(pg_cpu_s "$work/pg") - pg_before ))
# Wall times, with the load the machine was under, and the CPU the tests took: the suite's speed depends on all three.
# The tests' CPU over the cores is the least wall time they could take here (docs/ARCHITECTURE.md, "What the suite costs").
echo "wall time $((finished - started)) s (set-up and build $((built - started)) s, tests $((finished - built)) s); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "tests' CPU $tests_cpu s (the test host, every process it started and PostgreSQL's backends) on $(nproc) cores: at least $((tests_cpu / $(nproc))) s of wall" >&2
exit $status
