#!/usr/bin/env bash
# Runs a command beside a real, throw-away etcd on loopback (Debian's etcd-server, installed by
# scripts/setup.sh test): free ports, a 4 MiB quota, 150 writes so its fsync histogram has data;
# and a real Prometheus (Debian's, also installed by the test setup) scraping etcd's metrics every
# second. The command sees ETCDCTL_ENDPOINTS, ETCD_METRICS_URL, ETCD_QUOTA_BYTES and
# PROMETHEUS_URL, as a reader would set them before running the etcd runbooks' blocks
# (`kb check --run --provide etcd --provide prometheus`).
#   scripts/with-etcd.sh COMMAND [ARG...]
set -euo pipefail
command -v etcd >/dev/null && command -v etcdctl >/dev/null || { echo "with-etcd: etcd and etcdctl are needed (scripts/setup.sh test)" >&2; exit 2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/kb-etcd.XXXXXX")
client=$(free_port); peer=$(free_port); metrics=$(free_port); prom=$(free_port)
etcd --name kb-test --data-dir "$dir/data" \
  --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
  --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
  --initial-cluster "kb-test=http://127.0.0.1:$peer" --listen-metrics-urls "http://127.0.0.1:$metrics" \
  --quota-backend-bytes 4194304 > "$dir/etcd.log" 2>&1 &
pid=$!
ppid=""
trap 'kill $pid $ppid 2>/dev/null; wait $pid $ppid 2>/dev/null; rm -rf "$dir"' EXIT
export ETCDCTL_API=3 ETCDCTL_ENDPOINTS="http://127.0.0.1:$client" ETCD_METRICS_URL="http://127.0.0.1:$metrics/metrics" ETCD_QUOTA_BYTES=4194304
for _ in $(seq 1 100); do etcdctl --dial-timeout=1s endpoint health >/dev/null 2>&1 && break; sleep 0.2; done
etcdctl endpoint health >/dev/null || { echo "with-etcd: etcd did not start" >&2; cat "$dir/etcd.log" >&2; exit 2; }
for i in $(seq 1 150); do etcdctl put "kb-test-$i" "value $i" >/dev/null; done
if command -v prometheus >/dev/null; then
  cat > "$dir/prometheus.yml" <<YML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: etcd
    static_configs: [{targets: ['127.0.0.1:$metrics']}]
YML
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/prom" \
    --web.listen-address="127.0.0.1:$prom" > "$dir/prometheus.log" 2>&1 &
  ppid=$!
  export PROMETHEUS_URL="http://127.0.0.1:$prom"
  # Ready when a 5-minute rate of etcd's fsync histogram has a value (two scrapes).
  q='histogram_quantile(0.99, sum by (instance, le) (rate(etcd_disk_wal_fsync_duration_seconds_bucket[5m])))'
  for _ in $(seq 1 150); do
    etcdctl put kb-test-tick "$(date +%s%N)" >/dev/null
    curl -fsS -G "$PROMETHEUS_URL/api/v1/query" --data-urlencode "query=$q" 2>/dev/null | grep -q '"value"' && break
    sleep 0.2
  done
fi
"$@"
