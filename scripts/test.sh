#!/usr/bin/env bash
# make test: for each WordPress version, stand up a test network and run the whole suite.
source "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || set -- 6.1 6.8

status=0
for version in "$@"; do
  tag=${version//./}
  name="test-$tag"
  echo "=== WordPress $version: network $name ==="
  network_up "$name" "81$tag" "82$tag" "$version"
  SIDECAR_TEST_NETWORK="var/$name/network.json" SIDECAR_REQUIRE_NETWORK=1 \
    $PY -m pytest -q -p no:cacheprovider || status=$?
  $PY -m devnet stop --name "$name"
  [ $status -eq 0 ] || break
done
exit $status
