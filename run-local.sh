#!/usr/bin/env bash
# One command on a fresh machine: a PostgreSQL of its own (unless ConnectionStrings__Aionis or DATABASE_URL is set),
# a local S3 (s3rver, unless AWS_ENDPOINT_URL_S3 is set) with the registry's buckets, a local alert receiver that
# prints every alert the demo sends, migrations, demo data, then `aionis serve` in the foreground with this repo's
# task_registry.yml. Everything it writes stays under .local/.
# In another terminal, `./aionis history` shows the runs (the first ones within a minute).
# `./run-local.sh stop` stops the local PostgreSQL and S3 again.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
. scripts/lib/postgres.sh
. scripts/lib/emulators.sh
mkdir -p .local

if [ "${1:-}" = "stop" ]; then
  pg_stop "$root/.local/pg"
  emulator_stop "$root/.local/s3"
  emulator_stop "$root/.local/alert-receiver"
  echo "local PostgreSQL, S3 and alert receiver stopped (data kept in .local/)" >&2
  exit 0
fi

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

if [ -z "${AWS_ENDPOINT_URL_S3:-}" ]; then
  emulators_install
  s3_port_file=.local/s3.port
  [ -f "$s3_port_file" ] || pg_free_port >"$s3_port_file"
  s3_port=$(cat "$s3_port_file")
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$s3_port") 2>/dev/null; then
    echo "starting a local S3 (s3rver) on 127.0.0.1:$s3_port (data in .local/s3)" >&2
    buckets=$(grep -oE 's3://[a-z0-9.-]+' task_registry.yml | sort -u | sed 's#s3://##')
    mkdir -p .local/s3
    for b in $buckets aionis-demo-evidence; do mkdir -p ".local/s3/$b"; done
    s3rver_start "$root/.local/s3" "$s3_port"
  fi
  export AWS_ENDPOINT_URL_S3="http://127.0.0.1:$s3_port" AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
fi

# Demo alert routes and operator channels point here, never at an outside host (hooks.slack.com, PagerDuty).
receiver_port_file=.local/alert-receiver.port
[ -f "$receiver_port_file" ] || pg_free_port >"$receiver_port_file"
receiver_port=$(cat "$receiver_port_file")
receiver="http://127.0.0.1:$receiver_port"
if ! (exec 3<>"/dev/tcp/127.0.0.1/$receiver_port") 2>/dev/null; then
  echo "starting the demo alert receiver on $receiver (what it receives is printed here and in .local/alert-receiver.log)" >&2
  python3 scripts/lib/alert_receiver.py "$receiver_port" "$root/.local/alert-receiver.log" &
  echo $! >.local/alert-receiver.pid
  wait_port "$receiver_port"
fi

# Demo evidence keys under .local/ (an ECDSA P-256 pair and an HMAC key), so the demo's bundles are signed and pass
# their own `--require-signature` check. Real deployments bring their own keys (docs/jobs/evidence.md).
keys=.local/evidence-keys
if [ ! -f "$keys/evidence.pem" ]; then
  command -v openssl >/dev/null || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >&2; }
  mkdir -p "$keys" && chmod 700 "$keys"
  openssl ecparam -name prime256v1 -genkey -noout -out "$keys/evidence.pem"
  openssl ec -in "$keys/evidence.pem" -pubout -out "$keys/evidence-pub.pem" 2>/dev/null
  openssl rand -hex 32 >"$keys/hmac.key"
  chmod 600 "$keys/evidence.pem" "$keys/hmac.key"
  echo "made demo evidence keys in $keys (ECDSA P-256 pair, HMAC key)" >&2
fi

cat >.local/worker.env <<ENV
export ConnectionStrings__Aionis="${ConnectionStrings__Aionis:-}"
export DATABASE_URL="${DATABASE_URL:-}"
export Worker__ArtifactsRoot="$root/.local/artifacts"
export Worker__SpoolDirectory="$root/.local/spool"
export Worker__RegistryPath="$root/task_registry.yml"
export AWS_ENDPOINT_URL_S3="${AWS_ENDPOINT_URL_S3:-}"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-}"
export AWS_REGION="${AWS_REGION:-us-east-1}"
export Alerts__AllowInsecureTargets=true
export AIONIS_ALERT_CHANNELS='[{"id":"demo_slack","type":"slack_webhook","url":"$receiver/operator/slack"},{"id":"demo_pager","type":"pagerduty_events_v2","routingKey":"demo-routing-key","url":"$receiver/operator/pagerduty"}]'
export Evidence__SigningKeyPemFile="$root/$keys/evidence.pem"
export Evidence__VerifyKeyPemFile="$root/$keys/evidence-pub.pem"
export INCIDENT_BUNDLE_SIGNING_KEY="\$(cat '$root/$keys/hmac.key')"
ENV
. .local/worker.env

echo "building the worker..." >&2
dotnet build src/Aionis.Worker -c Release -v q -nologo >&2
aionis() { dotnet "$root/src/Aionis.Worker/bin/Release/net10.0/aionis.dll" "$@"; }

aionis db migrate --control-plane
if [ ! -f .local/demo-seeded ]; then
  aionis demo seed --tenants 12 --days 14 --requests 200000 --alert-receiver "$receiver"
  echo "taking a first backup (into .local/artifacts/backups and the local S3), so the restore drill has one to restore..." >&2
  aionis run database_backup_nightly >/dev/null || echo "(the first backup failed; see aionis history)" >&2
  touch .local/demo-seeded
fi

cat >&2 <<'TEXT'
starting aionis serve (Ctrl+C stops it); in another terminal: ./aionis history
The demo data is made to be caught: it has stale API keys and a publish queue with failed and dead-lettered jobs on
purpose, so the kick-off's dry runs of key_rotation_sla and incident_bundle_daily end gate_failed (their verdict: not
ok, which is what they exist to find). The alerts they raise arrive at the alert receiver and are printed below.
TEXT
export Worker__DemoKickoff=true
export Logging__LogLevel__Default=Information
export Logging__LogLevel__Microsoft=Warning
export Logging__LogLevel__Quartz=Warning
exec dotnet "$root/src/Aionis.Worker/bin/Release/net10.0/aionis.dll" serve
