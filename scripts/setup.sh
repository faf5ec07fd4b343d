#!/usr/bin/env bash
# Installs the Debian packages unmix needs, skipping those already present.
# Idempotent: a second run installs nothing and does not touch apt's lists.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libeigen3-dev libgdal-dev gdal-bin libmatio-dev libcli11-dev nlohmann-json3-dev
  libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev libssl-dev
  librsvg2-dev fonts-dejavu-core
)
# Extra groups, requested by name: `scripts/setup.sh browser` for the report tests,
# `scripts/setup.sh fuzz` for the libFuzzer targets (clang and its fuzzer runtime),
# `scripts/setup.sh format` for clang-format (make format, scripts/check_format.sh),
# `scripts/setup.sh python` for the Python module and its tests (docs/python.md; dask and
# xarray for the tests that use them and the examples).
for group in "$@"; do
  case "$group" in
    browser) packages+=(chromium) ;;
    fuzz) packages+=(clang libclang-rt-dev) ;;
    format) packages+=(clang-format) ;;
    python) packages+=(python3-dev pybind11-dev python3-numpy python3-pytest python3-dask python3-xarray) ;;
    *) echo "setup.sh: unknown package group '$group' (known: browser, fuzz, format, python)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "setup: missing packages (${missing[*]}) and not root; install them and rerun" >&2; exit 1
  fi
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
