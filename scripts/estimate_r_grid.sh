#!/bin/bash
# The synthetic grid of docs/classical.md "Number of endmembers": writes one line per scene,
# "r snr rho variability hysime hysime-guard hfc nwhfc reconstruction default".
# usage: scripts/estimate_r_grid.sh UNMIX_BINARY WORKDIR
set -euo pipefail
U=$1; W=$2; mkdir -p "$W"
row() {  # r snr rho variability seed
  local d="$W/s_$1_$2_$3_$4"
  "$U" synth -q -o "$d" -r "$1" --snr "$2" --noise-correlation "$3" --variability "$4" \
    --brightness 0.1 --layout regions --seed "$5" --threads 2
  "$U" estimate-r -i "$d/scene.hdr" --json --threads 2 | python3 -c '
import json, sys
e = json.load(sys.stdin)["estimates"]
print(" ".join(str(e[k]) for k in ["hysime", "hysime_guard", "hfc", "nwhfc", "reconstruction", "default"]))' |
    sed "s/^/$1 $2 $3 $4 /"
}
for r in 3 4 5 6 8; do for snr in 20 30 40; do row $r $snr 0.5 0 "$r$snr"; done; done
for r in 3 5 8; do for snr in 20 40; do row $r $snr 0.8 0.1 "7$r$snr"; done; done
