#!/usr/bin/env bash
# make soak: a soak network, the sidecar, then the load benchmarks (wrk, 60 s × 64 connections
# each at BENCH_SCALE=1) → load_account_page and load_api in bench/results.json.
source "$(dirname "$0")/lib.sh"
NAME=soak WP_PORT=8195 SIDECAR_PORT=8295
network_up $NAME $WP_PORT $SIDECAR_PORT "$1"
sidecar_start $NAME $SIDECAR_PORT
trap 'sidecar_stop $NAME; $PY -m devnet stop --name $NAME' EXIT
for bench in load_account_page load_api; do
  BENCH=$bench BENCH_NETWORK="var/$NAME/network.json" $PY -m bench
done
