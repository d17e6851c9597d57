#!/usr/bin/env bash
# Installs what Berth needs on a fresh machine of this kind: npm dependencies (which bring Node 24), then
# generated files. Safe to run again: it does only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/node ] || [ package.json -nt node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "berth setup: installing npm dependencies" >&2
  npm ci --no-audit --no-fund >&2 || npm install --no-audit --no-fund >&2
fi
if [ ! -f generated/openapi-definitions.json ] || [ -n "$(find node_modules/kubernetes-types/package.json scripts/gen-openapi.ts src/api/openapi/list-semantics.ts src/api/openapi/formats.ts src/api/openapi/declared-defaults.ts -newer generated/openapi-definitions.json)" ]; then node_modules/.bin/node scripts/gen-openapi.ts; fi
# V8's compile cache, filled once per change of the sources so that even the first start runs from it (see
# scripts/warm-compile-cache.ts).
cache_stamp=node_modules/.cache/berth-compile.stamp
if [ ! -f "$cache_stamp" ] || [ -n "$(find src scripts/warm-compile-cache.ts node_modules/.package-lock.json -newer "$cache_stamp" -print -quit)" ]; then
  bin/berth help >/dev/null
  NODE_COMPILE_CACHE=node_modules/.cache/berth-compile node_modules/.bin/node scripts/warm-compile-cache.ts
  touch "$cache_stamp"
fi
# etcd for the etcd datastore's tests (Debian's etcd-server, 3.4): installed once, quietly.
if [ ! -x /usr/bin/etcd ] && command -v apt-get >/dev/null; then
  echo "berth setup: installing etcd-server" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server >/dev/null
fi
# containerd, runc, the CNI plugins, nftables, conntrack, iproute2 and a static busybox for the node agent
# (Debian's packages): installed once, quietly, only those missing. The test suite (BERTH_SETUP_TESTS=1) also
# wants a registry and skopeo to fill it.
packages=(containerd runc containernetworking-plugins nftables conntrack iproute2 busybox-static)
if [ "${BERTH_SETUP_TESTS:-}" = 1 ]; then packages+=(docker-registry skopeo); fi
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  echo "berth setup: installing ${missing[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The built-in images (busybox, pause) as OCI archives in var/images, rebuilt when the builder or busybox changed.
if [ ! -d var/images ] || [ -n "$(find scripts/build-images.ts src/kubelet/images /bin/busybox -newer var/images 2>/dev/null)" ]; then
  node_modules/.bin/node scripts/build-images.ts
fi
