#!/usr/bin/env bash
# Install the Debian packages the dev network, the tests and the benchmarks need.
#
#   sudo scripts/system-deps.sh
#
# Idempotent: when every package is installed it exits at once without touching apt.
# Works on Debian 12 (bookworm) and 13 (trixie). MariaDB is installed only when nothing
# answers on 127.0.0.1:3306 (machines that run their own database server keep it).
# No service is started here: `python -m devnet up` starts MariaDB when it is not running.
set -euo pipefail

# fonts-dejavu-core: the Unicode font of invoice PDFs (sidecar/domain/invoice_pdf.py).
PACKAGES=(php-cli php-mysql php-gd php-xml wordpress wordpress-theme-twentytwentythree chromium wrk fonts-dejavu-core)
DB_PACKAGES=(mariadb-server mariadb-client)

say() { echo "system-deps: $*"; }

# True when something accepts TCP connections on 127.0.0.1:3306.
db_answers() { timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/3306' 2>/dev/null; }

# True when the package is installed (not just unpacked or removed with its config left).
installed() { [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]; }

if [ ! -r /etc/debian_version ]; then
    say "this is not Debian (no /etc/debian_version)"; exit 1
fi
say "Debian $(cat /etc/debian_version)"

if db_answers; then
    say "a database answers on 127.0.0.1:3306, MariaDB not needed"
else
    PACKAGES+=("${DB_PACKAGES[@]}")
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
    say "all ${#PACKAGES[@]} packages installed, nothing to do"; exit 0
fi
say "missing: ${missing[*]}"

if [ "$(id -u)" -ne 0 ]; then
    say "run me as root to install them"; exit 1
fi

log=$(mktemp /tmp/system-deps.XXXXXX.log)
run() {  # run a command quietly; show its output's tail when it fails
    if ! "$@" >>"$log" 2>&1; then
        tail -n 25 "$log"; say "failed: $* (full log: $log)"; exit 1
    fi
}

say "apt-get update"
run apt-get update
say "apt-get install ${PACKAGES[*]}"
run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PACKAGES[@]}"
rm -f "$log"
say "done"
