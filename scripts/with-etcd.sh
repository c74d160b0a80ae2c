#!/usr/bin/env bash
# Runs a command beside a real, throw-away etcd on loopback (Debian's etcd-server, installed by
# scripts/setup.sh test): free ports, a 4 MiB quota, 150 writes so its fsync histogram has data.
# The command sees ETCDCTL_ENDPOINTS, ETCD_METRICS_URL and ETCD_QUOTA_BYTES, as a reader would
# set them before running the etcd runbooks' blocks (`kb check --run --provide etcd`).
#   scripts/with-etcd.sh COMMAND [ARG...]
set -euo pipefail
command -v etcd >/dev/null && command -v etcdctl >/dev/null || { echo "with-etcd: etcd and etcdctl are needed (scripts/setup.sh test)" >&2; exit 2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/kb-etcd.XXXXXX")
client=$(free_port); peer=$(free_port); metrics=$(free_port)
etcd --name kb-test --data-dir "$dir/data" \
  --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
  --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
  --initial-cluster "kb-test=http://127.0.0.1:$peer" --listen-metrics-urls "http://127.0.0.1:$metrics" \
  --quota-backend-bytes 4194304 > "$dir/etcd.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
export ETCDCTL_API=3 ETCDCTL_ENDPOINTS="http://127.0.0.1:$client" ETCD_METRICS_URL="http://127.0.0.1:$metrics/metrics" ETCD_QUOTA_BYTES=4194304
for _ in $(seq 1 100); do etcdctl --dial-timeout=1s endpoint health >/dev/null 2>&1 && break; sleep 0.2; done
etcdctl endpoint health >/dev/null || { echo "with-etcd: etcd did not start" >&2; cat "$dir/etcd.log" >&2; exit 2; }
for i in $(seq 1 150); do etcdctl put "kb-test-$i" "value $i" >/dev/null; done
"$@"
