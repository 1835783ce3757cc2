#!/usr/bin/env bash
# Makes sure a JetStream-enabled nats-server listens on 127.0.0.1:4222 (installing Debian's
# package when the binary is missing). The tests that restart a server start their own.
set -euo pipefail

listening() { (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; }

if listening; then
  echo "nats-server: already listening on 127.0.0.1:4222"
  exit 0
fi
if ! command -v nats-server >/dev/null 2>&1; then
  echo "nats-server: installing Debian's package"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null
fi
store=$(mktemp -d /tmp/slipstream-nats.XXXXXX)
nats_bin=$(command -v nats-server)
start-stop-daemon --start --oknodo --background --exec "$nats_bin" -- \
  -a 127.0.0.1 -p 4222 -js -sd "$store" -l "$store/nats.log"
for _ in $(seq 1 50); do
  if listening; then
    echo "nats-server: started on 127.0.0.1:4222"
    exit 0
  fi
  sleep 0.2
done
echo "nats-server: did not start; see $store/nats.log" >&2
exit 1
