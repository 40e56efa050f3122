#!/usr/bin/env bash
# Installs the third-party clients the interop tests cross-check against:
# python3-confluent-kafka (its SchemaRegistryClient) and python3-avro (an independent Avro decoder).
# python3-requests is listed because the SchemaRegistryClient imports it while the Debian package
# only recommends it.
# Idempotent: does nothing when Debian's python3 already imports both.
# Debian's packages land in /usr/lib/python3/dist-packages, which only /usr/bin/python3 sees
# (a pyenv python3 earlier on PATH does not), so that interpreter is used on purpose;
# SIMSTREAM_PYTHON overrides it (the interop test honours the same variable).
set -euo pipefail

PY="${SIMSTREAM_PYTHON:-/usr/bin/python3}"
PACKAGES=(python3-confluent-kafka python3-avro python3-requests)

have_modules() {
  [ -x "$PY" ] && "$PY" -c 'import confluent_kafka.schema_registry, avro.io' >/dev/null 2>&1
}

if have_modules; then
  echo "install-test-deps: confluent_kafka.schema_registry and avro already importable by $PY"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: apt-get is not available; install ${PACKAGES[*]} (Debian/Ubuntu packages)" \
       "or make 'import confluent_kafka.schema_registry, avro.io' work for $PY by other means. The interop tests will fail until then." >&2
  # Not an error of this script: the build goes on and the interop test fails with the same advice.
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    echo "install-test-deps: not root and no sudo; run as root: apt-get install -y ${PACKAGES[*]}." \
         "The interop tests will fail until then." >&2
    exit 0
  fi
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update
"${SUDO[@]}" apt-get install -y --no-install-recommends "${PACKAGES[@]}"

if have_modules; then
  echo "install-test-deps: installed ${PACKAGES[*]}"
else
  echo "install-test-deps: installed ${PACKAGES[*]} but $PY still cannot import confluent_kafka.schema_registry and avro.io" >&2
  exit 1
fi
