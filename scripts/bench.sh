#!/usr/bin/env bash
# Runs a benchmark (or `all`) against a PostgreSQL 15 of its own (and the emulators when it needs them).
# Prints a table per benchmark: figure, target, PASS/FAIL; exits 1 when a target is missed.
#   scripts/bench.sh list | NAME [NAME...] | scale | all
# AIONIS_BENCH_REUSE=1 keeps the benchmark cluster of the previous run (.local/bench-run/pg) and the telemetry datasets
# generated in it (10M rows take minutes); by default every run starts from an empty cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
. scripts/lib/postgres.sh
. scripts/lib/emulators.sh
. scripts/lib/pgbackrest.sh

if [ "${1:-list}" = "list" ]; then
  exec dotnet run -c Release --project bench/Aionis.Bench -- list
fi

work="$root/.local/bench-run"
if [ "${AIONIS_BENCH_REUSE:-}" = "1" ] && [ -f "$work/pg/PG_VERSION" ]; then
  find "$work" -mindepth 1 -maxdepth 1 ! -name pg -exec rm -rf {} +
else
  rm -rf "$work"; mkdir -p "$work"
fi
cleanup() { pg_stop "$work/pg"; emulator_stop "$work/s3"; }
trap cleanup EXIT

pg_ensure_installed
pgbackrest_ensure_installed
port=$(pg_free_port)
pg_start "$work/pg" "$port" fast
export AIONIS_BENCH_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
export AIONIS_BENCH_WORK="$work"

emulators_install
s3_port=$(pg_free_port)
s3rver_start "$work/s3" "$s3_port"
export AIONIS_BENCH_S3_ENDPOINT="http://127.0.0.1:$s3_port"

dotnet build -c Release -v q -nologo bench/Aionis.Bench >&2
# The scheduler benchmarks drive the worker as it is deployed: published for linux-x64 (ReadyToRun), as install.sh does.
dotnet publish src/Aionis.Worker -c Release -r linux-x64 --self-contained false -o "$root/.local/bench-publish" -nologo -v q >&2
export AIONIS_BENCH_AIONIS_DLL="${AIONIS_BENCH_AIONIS_DLL:-$root/.local/bench-publish/aionis.dll}"
# cold-start's floor: the job's statements from a bare Npgsql program, published the same way.
dotnet publish bench/Aionis.Bench.JobFloor -c Release -r linux-x64 --self-contained false -o "$root/.local/bench-floor" -nologo -v q >&2
export AIONIS_BENCH_FLOOR_DLL="$root/.local/bench-floor/Aionis.Bench.JobFloor.dll"
dotnet bench/Aionis.Bench/bin/Release/net10.0/Aionis.Bench.dll "$@"
