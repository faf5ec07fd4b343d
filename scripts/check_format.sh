#!/usr/bin/env bash
# Lists the C++ files under src/ include/ tests/ bench/ fuzz/ python/ that clang-format (with the
# repository's .clang-format) would change, and fails when there is any; `make format` fixes
# them. CLANG_FORMAT picks the binary (default clang-format; the style is tuned for version 14).
#
#   scripts/check_format.sh [-v]     -v also prints each file's diff
set -euo pipefail
cd "$(dirname "$0")/.."
clang_format=${CLANG_FORMAT:-clang-format}
verbose=${1:-}
command -v "$clang_format" > /dev/null || { echo "check_format: $clang_format not found" >&2; exit 2; }
count=0
while IFS= read -r -d '' f; do
  if ! "$clang_format" --style=file "$f" | cmp -s - "$f"; then
    echo "$f"
    [ "$verbose" = "-v" ] && { "$clang_format" --style=file "$f" | diff -u "$f" - || true; }
    count=$((count + 1))
  fi
done < <(find src include tests bench fuzz python -type f \( -name '*.cpp' -o -name '*.hpp' \) -print0 | sort -z)
if [ "$count" -gt 0 ]; then
  echo "check_format: $count files differ from .clang-format (make format fixes them)"
  exit 1
fi
echo "check_format: all files match .clang-format"
