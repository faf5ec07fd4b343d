#!/usr/bin/env bash
# Installs the built unmix into a temporary prefix and builds tests/package/consumer_core, which
# links unmix::core alone, as on a machine with Eigen (and OpenMP) only: find_package of GDAL,
# fmt, nlohmann-json and PkgConfig is disabled, so the configure step fails if the package asks
# for them. Then checks that
#   - the compiler's dependency list for the consumer (every core header included) names no
#     header of fmt, nlohmann-json, GDAL, matio, librsvg or cairo;
#   - the program does not load their libraries (ldd);
#   - the program runs (a synthetic scene unmixed by FCLS).
#
#   check_core_package.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir=$1
source_dir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "core consumer FAILED: $*"; exit 1; }

cmake --install "$build_dir" --prefix "$tmp/prefix" > "$tmp/install.log"
# Unix Makefiles keep the compiler's dependency files (main.cpp.o.d) next to the objects; Ninja
# would fold them into its own log.
cmake -S "$source_dir/tests/package/consumer_core" -B "$tmp/build" -G "Unix Makefiles" \
  -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_DISABLE_FIND_PACKAGE_GDAL=ON -DCMAKE_DISABLE_FIND_PACKAGE_fmt=ON \
  -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON \
  > "$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log"; fail "configure"; }
grep -E "core headers: [0-9]+" "$tmp/configure.log" || true
cmake --build "$tmp/build" > "$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "build"; }

deps=$(find "$tmp/build" -name 'main.cpp.o.d')
[ -n "$deps" ] || fail "no dependency file main.cpp.o.d for the consumer"
# The list is real: it names core headers and Eigen.
grep -q 'unmix/core/scene.hpp' $deps || fail "dependency file does not list unmix/core/scene.hpp"
grep -q 'Eigen/Core' $deps || fail "dependency file does not list Eigen/Core"
if forbidden=$(tr ' \\' '\n\n' < $deps | grep -E '(^|/)(nlohmann|fmt)/|gdal|cpl_|ogr_|matio|librsvg|cairo' | sort -u) \
  && [ -n "$forbidden" ]; then
  echo "$forbidden"
  fail "core headers include headers of io/report dependencies (above)"
fi

binary="$tmp/build/consumer_core"
libs=$(LD_LIBRARY_PATH="$tmp/prefix/lib:$tmp/prefix/lib64:${LD_LIBRARY_PATH:-}" ldd "$binary")
if echo "$libs" | grep -Ei 'lib(gdal|fmt|matio|rsvg|cairo)'; then
  fail "consumer_core loads libraries of io/report dependencies (above)"
fi
readelf -d "$binary" | grep NEEDED

LD_LIBRARY_PATH="$tmp/prefix/lib:$tmp/prefix/lib64:${LD_LIBRARY_PATH:-}" "$binary" || fail "consumer_core"
echo "core consumer passed"
