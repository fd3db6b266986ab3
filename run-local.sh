#!/usr/bin/env bash
# One command on a fresh machine: a PostgreSQL of its own (unless ConnectionStrings__Aionis or DATABASE_URL is set),
# migrations, demo data, then `aionis serve` in the foreground with this repo's task_registry.yml.
# In another terminal, `./aionis history` shows the runs (the first ones within a minute).
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
. scripts/lib/postgres.sh
mkdir -p .local

if ! command -v dotnet >/dev/null; then
  echo "dotnet (the .NET 10 SDK) is needed to build the worker" >&2
  exit 1
fi

if [ -z "${ConnectionStrings__Aionis:-}" ] && [ -z "${DATABASE_URL:-}" ]; then
  pg_ensure_installed
  port_file=.local/pg.port
  [ -f "$port_file" ] || pg_free_port >"$port_file"
  port=$(cat "$port_file")
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "starting a local PostgreSQL 15 on 127.0.0.1:$port (data in .local/pg)" >&2
    pg_start "$root/.local/pg" "$port"
  fi
  export ConnectionStrings__Aionis="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
fi

cat >.local/worker.env <<ENV
export ConnectionStrings__Aionis="${ConnectionStrings__Aionis:-}"
export DATABASE_URL="${DATABASE_URL:-}"
export Worker__ArtifactsRoot="$root/.local/artifacts"
export Worker__SpoolDirectory="$root/.local/spool"
export Worker__RegistryPath="$root/task_registry.yml"
ENV
. .local/worker.env

echo "building the worker..." >&2
dotnet build src/Aionis.Worker -c Release -v q -nologo >&2
aionis() { dotnet "$root/src/Aionis.Worker/bin/Release/net10.0/aionis.dll" "$@"; }

aionis db migrate --control-plane
if [ ! -f .local/demo-seeded ]; then
  aionis demo seed --tenants 12 --days 14 --requests 200000
  touch .local/demo-seeded
fi

echo "starting aionis serve (Ctrl+C stops it); in another terminal: ./aionis history" >&2
export Worker__DemoKickoff=true
export Logging__LogLevel__Default=Information
export Logging__LogLevel__Microsoft=Warning
export Logging__LogLevel__Quartz=Warning
exec dotnet "$root/src/Aionis.Worker/bin/Release/net10.0/aionis.dll" serve
