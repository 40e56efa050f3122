#!/usr/bin/env bash
# Installs the third-party clients the interop tests cross-check against:
# python3-confluent-kafka (its SchemaRegistryClient) and python3-avro (an independent Avro decoder).
# Idempotent: does nothing when Debian's python3 already imports both.
# Debian's packages land in /usr/lib/python3/dist-packages, which only /usr/bin/python3 sees
# (a pyenv python3 earlier on PATH does not), so that interpreter is used on purpose.
set -euo pipefail

PY=/usr/bin/python3
PACKAGES=(python3-confluent-kafka python3-avro)

have_modules() {
  [ -x "$PY" ] && "$PY" -c 'import confluent_kafka, avro' >/dev/null 2>&1
}

if have_modules; then
  echo "install-test-deps: confluent_kafka and avro already importable by $PY"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: apt-get is not available; install ${PACKAGES[*]} (Debian/Ubuntu packages)" \
       "or make 'import confluent_kafka, avro' work for $PY by other means. The interop tests will fail until then." >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    echo "install-test-deps: not root and no sudo; run as root: apt-get install -y ${PACKAGES[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update
"${SUDO[@]}" apt-get install -y --no-install-recommends "${PACKAGES[@]}"

if have_modules; then
  echo "install-test-deps: installed ${PACKAGES[*]}"
else
  echo "install-test-deps: installed ${PACKAGES[*]} but $PY still cannot import confluent_kafka and avro" >&2
  exit 1
fi
