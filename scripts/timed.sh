#!/usr/bin/env bash
# Runs one stage of the build or CI and prints its wall time, also when it fails:
#   scripts/timed.sh NAME COMMAND [ARG...]
# Every CI log thus shows where its time went (docs/development.md).
set -uo pipefail
name=$1
shift
t0=$(date +%s)
echo "==> ${name}"
"$@"
rc=$?
dt=$(($(date +%s) - t0))
if [ $rc -eq 0 ]; then
  printf '<== %s: %d s (%d:%02d)\n' "$name" "$dt" $((dt / 60)) $((dt % 60))
else
  printf '<== %s: FAILED (exit %d) after %d s\n' "$name" "$rc" "$dt"
fi
exit $rc
