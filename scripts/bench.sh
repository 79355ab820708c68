#!/usr/bin/env bash
# make bench: a bench network, the sidecar, then `python -m bench` (BENCH, BENCH_SCALE).
source "$(dirname "$0")/lib.sh"
NAME=bench WP_PORT=8190 SIDECAR_PORT=8290
network_up $NAME $WP_PORT $SIDECAR_PORT "$1"
sidecar_start $NAME $SIDECAR_PORT
trap 'sidecar_stop $NAME; $PY -m devnet stop --name $NAME' EXIT
BENCH_NETWORK="var/$NAME/network.json" $PY -m bench
