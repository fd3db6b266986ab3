#!/usr/bin/env bash
# Installs Aionis Worker as a systemd service: a published build in /opt/aionis, the `aionis` system user, the unit,
# /etc/aionis/worker.env (from the example; never overwritten) and the registry (/etc/aionis/task_registry.yml).
#
#   sudo deploy/systemd/install.sh                  publish from this checkout and install
#   sudo deploy/systemd/install.sh --from DIR       install an already published build (dotnet publish -o DIR)
#
# Staging options (packaging, tests): --prefix DIR (default /opt/aionis), --config-dir DIR (/etc/aionis),
# --unit-dir DIR (/etc/systemd/system), --no-user (do not create the user or change ownership).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
prefix=/opt/aionis
config_dir=/etc/aionis
unit_dir=/etc/systemd/system
from=""
manage_user=yes
user=aionis

while [ $# -gt 0 ]; do
  case "$1" in
    --from) from=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --config-dir) config_dir=$2; shift 2 ;;
    --unit-dir) unit_dir=$2; shift 2 ;;
    --no-user) manage_user=no; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
done

if [ -z "$from" ]; then
  from=$(mktemp -d)
  trap 'rm -rf "$from"' EXIT
  echo "publishing src/Aionis.Worker (Release)..." >&2
  dotnet publish "$repo/src/Aionis.Worker/Aionis.Worker.csproj" -c Release -r linux-x64 --self-contained false -o "$from" -nologo -v q >&2
fi
if [ ! -x "$from/aionis" ]; then
  echo "install.sh: $from/aionis is missing or not executable: not a published Aionis Worker" >&2
  exit 1
fi

if [ "$manage_user" = yes ] && ! getent passwd "$user" >/dev/null; then
  useradd --system --user-group --home-dir /var/lib/aionis --no-create-home --shell /usr/sbin/nologin "$user"
  echo "created system user $user" >&2
fi

# The build: replaced as a whole, so no file of an older release lingers.
rm -rf "$prefix.new"
mkdir -p "$prefix.new/docs"
cp -a "$from/." "$prefix.new/"
cp "$repo/docs/operations.md" "$prefix.new/docs/"
rm -rf "$prefix.old"
if [ -d "$prefix" ]; then mv "$prefix" "$prefix.old"; fi
mv "$prefix.new" "$prefix"
rm -rf "$prefix.old"

# Configuration: an operator's files are never overwritten; new defaults land beside them.
install -d -m 0750 "$config_dir"
install -m 0644 "$here/worker.env.example" "$config_dir/worker.env.example"
if [ ! -e "$config_dir/worker.env" ]; then
  install -m 0640 "$here/worker.env.example" "$config_dir/worker.env"
fi
if [ ! -e "$config_dir/task_registry.yml" ]; then
  install -m 0644 "$repo/task_registry.yml" "$config_dir/task_registry.yml"
elif ! cmp -s "$repo/task_registry.yml" "$config_dir/task_registry.yml"; then
  install -m 0644 "$repo/task_registry.yml" "$config_dir/task_registry.yml.new"
  echo "kept $config_dir/task_registry.yml; this release's registry is $config_dir/task_registry.yml.new" >&2
fi
if [ "$manage_user" = yes ]; then
  chown root:"$user" "$config_dir" "$config_dir/worker.env"
fi

install -d "$unit_dir"
sed -e "s#/opt/aionis#$prefix#g" -e "s#/etc/aionis#$config_dir#g" "$here/aionis-worker.service" > "$unit_dir/aionis-worker.service"
chmod 0644 "$unit_dir/aionis-worker.service"

if command -v systemd-analyze >/dev/null; then
  problems=$(systemd-analyze verify "$unit_dir/aionis-worker.service" 2>&1 || true)
  if [ -n "$problems" ]; then
    echo "install.sh: systemd-analyze verify:" >&2
    echo "$problems" >&2
    exit 1
  fi
fi

cat <<NEXT
installed: $prefix/aionis, $unit_dir/aionis-worker.service, $config_dir/worker.env, $config_dir/task_registry.yml
next:
  1. set the database in $config_dir/worker.env
  2. systemd-run --wait --pipe -p User=$user -p EnvironmentFile=$config_dir/worker.env $prefix/aionis db migrate --control-plane
  3. systemctl daemon-reload && systemctl enable --now aionis-worker
  4. systemctl status aionis-worker; journalctl -u aionis-worker -f
NEXT
