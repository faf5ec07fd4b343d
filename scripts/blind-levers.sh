#!/usr/bin/env bash
# Blind networks from their start, with and without the levers of issue 17: runs `unmix run` for
# every (scene, method, setting, seed) and prints one markdown row per (scene, method, setting):
# mean SAD and abundance RMSE of the start and of the result, mean +- standard deviation over
# the seeds, and how often the keep-the-better guard kept the start.
#
#   scripts/blind-levers.sh UNMIX OUT SCENES METHODS SETTINGS SEEDS
#
# SCENES: space-separated NAME=INPUT:GT; METHODS: space-separated method names; SETTINGS:
# '|'-separated NAME=ARGS (ARGS appended to `unmix run`); SEEDS: e.g. "1 2 3 4 5".
# Run folders go to OUT/NAME/METHOD/SETTING/SEED; existing ones with a metrics.json are reused.
set -euo pipefail
unmix=$1 out=$2 scenes=$3 methods=$4 settings=$5 seeds=$6
IFS='|' read -r -a setting_list <<< "$settings"
echo "| scene | method | setting | start SAD | SAD | start RMSE | RMSE | start kept |"
echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"
for scene in $scenes; do
  name=${scene%%=*} files=${scene#*=}
  input=${files%%:*} gt=${files#*:}
  for method in $methods; do
    for s in "${setting_list[@]}"; do
      sname=${s%%=*} sargs=${s#*=}
      for seed in $seeds; do
        dir="$out/$name/$method/$sname/$seed"
        if [[ ! -f "$dir/metrics.json" ]]; then
          mkdir -p "$(dirname "$dir")"
          # shellcheck disable=SC2086
          "$unmix" run -q --method "$method" --input "$input" --gt "$gt" --seed "$seed" --threads 1 $sargs \
            --out "$dir" 2> "$dir.stderr" || { echo "failed: $dir" >&2; cat "$dir.stderr" >&2; continue; }
        fi
      done
      jq -s -r --arg scene "$name" --arg method "$method" --arg setting "$sname" '
        def ms(f): (map(f) | add / length) as $m
          | (map((f - $m) * (f - $m)) | add / length | sqrt) as $s | "\($m * 1000 | round / 1000) ± \($s * 1000 | round / 1000)";
        def ms4(f): (map(f) | add / length) as $m
          | (map((f - $m) * (f - $m)) | add / length | sqrt) as $s | "\($m * 10000 | round / 10000) ± \($s * 10000 | round / 10000)";
        "| \($scene) | `\($method)` | \($setting) | \(ms(.init_sad_deg_mean)) | \(ms(.sad_deg_mean)) | \(ms4(.init_rmse)) | \(ms4(.rmse)) | \(map(select(.kept == "start")) | length)/\(length) |"
      ' $(for seed in $seeds; do
            d="$out/$name/$method/$sname/$seed"
            [[ -f "$d/metrics.json" ]] || continue
            kept=$(jq -r '.details.keep_better.kept // "none"' "$d/run.json")
            jq --arg kept "$kept" '. + {kept: $kept}' "$d/metrics.json" > "$d/row.json"
            echo "$d/row.json"
          done)
    done
  done
done
