#!/usr/bin/env bash
# Installs what `bench train --torch` runs the PyTorch reference (scripts/torch_reference.py)
# with: Debian's python3-torch (it brings numpy). The reference is the user's network in PyTorch,
# the yardstick for simstream's training speed per epoch.
# Idempotent: does nothing when Debian's python3 already imports torch and numpy.
# Debian's packages land in /usr/lib/python3/dist-packages, which only /usr/bin/python3 sees
# (a pyenv python3 earlier on PATH does not), so that interpreter is used on purpose;
# SIMSTREAM_PYTHON overrides it (bench train --python overrides it for the benchmark).
set -euo pipefail

PY="${SIMSTREAM_PYTHON:-/usr/bin/python3}"
PACKAGES=(python3-torch python3-numpy)

have_modules() {
  [ -x "$PY" ] && "$PY" -c 'import torch, numpy' >/dev/null 2>&1
}

if have_modules; then
  echo "install-bench-deps: torch and numpy already importable by $PY"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-bench-deps: apt-get is not available; install ${PACKAGES[*]} (Debian/Ubuntu packages)" \
       "or make 'import torch, numpy' work for $PY by other means." >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    echo "install-bench-deps: not root and no sudo; run as root: apt-get install -y ${PACKAGES[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update
"${SUDO[@]}" apt-get install -y --no-install-recommends "${PACKAGES[@]}"

if have_modules; then
  echo "install-bench-deps: installed ${PACKAGES[*]}"
else
  echo "install-bench-deps: installed ${PACKAGES[*]} but $PY still cannot import torch and numpy" >&2
  exit 1
fi
