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
SIDECAR_CONFIG="var/$NAME/config.toml" .venv/bin/sidecar demo seed
$PY - "var/$NAME/network.json" <<'PYEOF'
import json, sys
net = json.load(open(sys.argv[1]))
print(f"\nDemo network (WordPress {net['wp_version']}) is running.\n")
print(f"  Network admin : {net['url']}wp-admin/network/admin.php?page=sidecar-network")
print(f"                  log in as {net['admin']['login']} / {net['admin']['password']}")
print(f"  Sidecar       : {net['sidecar_url']} (reached by the shim only)\n")
print("  Customers (log in, then click Account):")
for c in net["customers"]:
    print(f"    {c['site_url']}wp-admin/  {c['login']} / {c['password']}  ({c['site_title']})")
print("\n  Stop everything with: make stop")
PYEOF
