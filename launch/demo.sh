#!/usr/bin/env bash
# The whole demo on this machine, from a fresh clone:
#   1. build the release binary,
#   2. generate a synthetic KuaiRand-1K-format dataset (500 users, ~1,000 events each) and
#      prepare it (skipped when data/demo/prepared exists),
#   3. train the built-in demo config on 2 MPI ranks (launch/local.sh 2 configs/demo.yaml),
#      starting over in runs/demo (--restart) so that the demo can be run again,
#   4. evaluate the trained model again from its run directory,
#   5. build every user's cache on 2 ranks and score a few (user, item) pairs from it.
# Extra arguments go to `vql train`, e.g. launch/demo.sh --set train.max_steps=200
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
swift build -c release --product vql >&2
VQL=".build/release/vql"
if [ ! -f data/demo/prepared/manifest.json ]; then
  rm -rf data/demo/raw
  "$VQL" synth --format kuairand --out data/demo/raw --users 500 --items 5000 --tags 50 --mean-len 1000 --seed 1
  "$VQL" prepare --format kuairand --input data/demo/raw --out data/demo/prepared
fi
export VQL_SKIP_BUILD=1
launch/local.sh 2 configs/demo.yaml --out runs/demo --restart "$@"
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
"$VQL" eval --run runs/demo
VQL_COMMAND=build-cache launch/local.sh 2 - --run runs/demo
# a few requests: the first events of the log (raw ids), one unknown user, one unknown item
{
  echo "user_id,item_id,time_ms"
  sed -n '2,4p' data/demo/raw/log_standard_4_22_to_5_08_1k.csv | cut -d, -f1,2,5
  echo "1,$(sed -n 2p data/demo/raw/log_standard_4_22_to_5_08_1k.csv | cut -d, -f2),0"
} > runs/demo/requests.csv
"$VQL" score --cache runs/demo/cache --input runs/demo/requests.csv
