#!/usr/bin/env bash
# make demo: a local WordPress network with demo customers, the shim, and the sidecar.
# make stop: stop them (only what this script started).
source "$(dirname "$0")/lib.sh"
NAME=demo WP_PORT=8080 SIDECAR_PORT=8000

if [ "${1:-}" = "--stop" ]; then
  sidecar_stop $NAME
  [ -d var/$NAME ] && $PY -m devnet stop --name $NAME
  echo "demo stopped"
  exit 0
fi

network_up $NAME $WP_PORT $SIDECAR_PORT "$1" --demo
sidecar_start $NAME $SIDECAR_PORT
$PY -m devnet show --name $NAME
