#!/usr/bin/env bash
# Object-storage emulators from npm (tests/emulators/package.json, pinned with its lockfile), on 127.0.0.1.
# Usage (sourced): emulators_install; s3rver_start DIR PORT; azurite_start DIR PORT

EMULATORS_DIR=${EMULATORS_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../tests/emulators" && pwd)}

emulators_install() {
  if ! command -v npm >/dev/null; then
    echo "installing nodejs and npm (apt-get)..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2
  fi
  if [ ! -x "$EMULATORS_DIR/node_modules/.bin/s3rver" ] || [ ! -x "$EMULATORS_DIR/node_modules/.bin/azurite-blob" ]; then
    (cd "$EMULATORS_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
}

wait_port() {
  # 60 s: node starts slowly on a loaded machine.
  local port=$1 tries=${2:-600}
  for _ in $(seq "$tries"); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$port" >&2
  return 1
}

# s3rver_start DIR PORT: S3 on http://127.0.0.1:PORT, keys S3RVER/S3RVER.
s3rver_start() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  "$EMULATORS_DIR/node_modules/.bin/s3rver" --directory "$dir" --address 127.0.0.1 --port "$port" --silent >"$dir.log" 2>&1 &
  echo $! >"$dir.pid"
  wait_port "$port"
}

# azurite_start DIR PORT: Azure Blob on http://127.0.0.1:PORT/devstoreaccount1.
azurite_start() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  "$EMULATORS_DIR/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$port" \
    --skipApiVersionCheck --disableTelemetry --loose --inMemoryPersistence >"$dir.log" 2>&1 &
  echo $! >"$dir.pid"
  wait_port "$port"
}

emulator_stop() {
  local dir=$1
  [ -f "$dir.pid" ] && kill "$(cat "$dir.pid")" 2>/dev/null || true
}
