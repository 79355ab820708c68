# Shared shell helpers for scripts/*.sh (sourced, not run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
mkdir -p var

# secret_for NAME: a random shared secret, made once per network and reused.
secret_for() {
  local file="var/$1.secret"
  [ -s "$file" ] || $PY -c 'import secrets; print(secrets.token_hex(32))' > "$file"
  cat "$file"
}

# network_up NAME WP_PORT SIDECAR_PORT WP_VERSION [extra devnet args]
network_up() {
  local name=$1 wp_port=$2 sidecar_port=$3 version=$4
  shift 4
  $PY -m devnet up --name "$name" --port "$wp_port" --wp-version "$version" \
    --sidecar-url "http://127.0.0.1:$sidecar_port" --secret "$(secret_for "$name")" "$@"
}

# sidecar_start NAME SIDECAR_PORT: (re)start gunicorn in the background for network NAME.
sidecar_start() {
  local name=$1 port=$2 dir="var/$1"
  sidecar_stop "$name"
  SIDECAR_CONFIG="$dir/config.toml" .venv/bin/sidecar migrate
  SIDECAR_CONFIG="$dir/config.toml" .venv/bin/gunicorn --daemon --pid "$dir/sidecar.pid" \
    --bind "127.0.0.1:$port" --workers 2 --threads 4 \
    --error-logfile "$dir/sidecar.log" --access-logfile "$dir/sidecar-access.log" \
    sidecar.wsgi:app
  for _ in $(seq 1 50); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "the sidecar did not start; see $dir/sidecar.log" >&2
  return 1
}

# sidecar_stop NAME: stop the gunicorn started by sidecar_start, if any.
sidecar_stop() {
  local pidfile="var/$1/sidecar.pid"
  if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")"
    for _ in $(seq 1 50); do kill -0 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
}
