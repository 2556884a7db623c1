#!/usr/bin/env bash
# Run vql on this machine with NP MPI ranks.
#
#   launch/local.sh NP CONFIG [args…]
#
# Builds the release binary if needed (`swift build -c release --product vql`, a no-op
# when up to date), then runs
#   mpirun -np NP --bind-to none -x OPENBLAS_NUM_THREADS=max(1, cores/NP) \
#          .build/release/vql <command> --config CONFIG [args…]
# Works from any directory (CONFIG and args are passed through unchanged, relative to
# where you run it).
#
# Environment:
#   VQL_COMMAND        subcommand to run instead of `train`, e.g. VQL_COMMAND=eval or
#                      VQL_COMMAND=build-cache; may be several words
#                      (VQL_COMMAND="debug collectives"). With CONFIG "-" no --config
#                      is passed.
#   VQL_BIN            use this binary instead of building .build/release/vql.
#   VQL_SKIP_BUILD=1   do not run swift build (use the existing release binary).
#   VQL_MPIRUN_ARGS    extra mpirun arguments (word-split), e.g. "--mca btl self,vader".
#   OPENBLAS_NUM_THREADS  overrides the per-rank thread count computed above.
#
# As root, Open MPI needs --allow-run-as-root: added automatically when running as root.
# NP above the number of cores adds --oversubscribe (fine for tests, slow for training).
set -euo pipefail

usage() { sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 2 ] || usage
NP="$1"; CONFIG="$2"; shift 2
[[ "$NP" =~ ^[1-9][0-9]*$ ]] || { echo "launch/local.sh: NP must be a positive integer, got '$NP'" >&2; exit 2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -n "${VQL_BIN:-}" ]; then
  BIN="$VQL_BIN"
else
  BIN="$ROOT/.build/release/vql"
  if [ "${VQL_SKIP_BUILD:-0}" != 1 ]; then
    (cd "$ROOT" && swift build -c release --product vql >&2)
  fi
fi
[ -x "$BIN" ] || { echo "launch/local.sh: no vql binary at $BIN" >&2; exit 1; }

CORES="$(nproc)"
THREADS="${OPENBLAS_NUM_THREADS:-$(( CORES / NP > 0 ? CORES / NP : 1 ))}"

MPI_ARGS=(-np "$NP" --bind-to none -x "OPENBLAS_NUM_THREADS=$THREADS")
[ "$(id -u)" -eq 0 ] && MPI_ARGS+=(--allow-run-as-root)
[ "$NP" -gt "$CORES" ] && MPI_ARGS+=(--oversubscribe)
# shellcheck disable=SC2206  # word splitting is the point of these two variables
[ -n "${VQL_MPIRUN_ARGS:-}" ] && MPI_ARGS+=($VQL_MPIRUN_ARGS)
# shellcheck disable=SC2206
COMMAND=(${VQL_COMMAND:-train})
[ "$CONFIG" != "-" ] && COMMAND+=(--config "$CONFIG")

echo "launch/local.sh: mpirun ${MPI_ARGS[*]} $BIN ${COMMAND[*]} $*" >&2
exec mpirun "${MPI_ARGS[@]}" "$BIN" "${COMMAND[@]}" "$@"
