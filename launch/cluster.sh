#!/usr/bin/env bash
# Run vql across several machines with Open MPI and a hostfile.
#
#   launch/cluster.sh HOSTFILE NP CONFIG [args…]
#
# Requirements:
#   - the same vql checkout (and release binary) at the same path on every host, e.g.
#     on a shared file system; build it once: `swift build -c release --product vql`
#     (this script does not build: a build on every host would race). The build uses
#     AVX2 when the building host has it; if some host lacks it, build with
#     `VQL_PORTABLE=1 swift build -c release --product vql` in a clean .build;
#   - passwordless ssh from this host to every host in HOSTFILE, the same Open MPI
#     version everywhere, and the data/config paths readable from every host;
#   - HOSTFILE lists hosts and slots (see launch/hostfile.example). NP is usually the sum
#     of the slots.
#
# Each rank gets OPENBLAS_NUM_THREADS (default 1: one rank per core, the layout DESIGN
# §7 recommends). If you set OPENBLAS_NUM_THREADS=T, give each host cores/T slots.
#
# Environment: VQL_COMMAND (subcommand instead of `train`; CONFIG "-" passes no
# --config), VQL_BIN (binary path, default <repo>/.build/release/vql), VQL_MPIRUN_ARGS
# (extra mpirun arguments, e.g. "--mca btl_tcp_if_include eth0" to pick the network).
set -euo pipefail

[ $# -ge 3 ] || { sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
HOSTFILE="$1"; NP="$2"; CONFIG="$3"; shift 3
[ -r "$HOSTFILE" ] || { echo "launch/cluster.sh: cannot read hostfile '$HOSTFILE'" >&2; exit 2; }
[[ "$NP" =~ ^[1-9][0-9]*$ ]] || { echo "launch/cluster.sh: NP must be a positive integer, got '$NP'" >&2; exit 2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${VQL_BIN:-$ROOT/.build/release/vql}"
[ -x "$BIN" ] || { echo "launch/cluster.sh: no vql binary at $BIN (build it first)" >&2; exit 1; }

MPI_ARGS=(--hostfile "$HOSTFILE" -np "$NP" --bind-to none
          -x "OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}" -x PATH -x LD_LIBRARY_PATH)
[ "$(id -u)" -eq 0 ] && MPI_ARGS+=(--allow-run-as-root)
# shellcheck disable=SC2206
[ -n "${VQL_MPIRUN_ARGS:-}" ] && MPI_ARGS+=($VQL_MPIRUN_ARGS)
# shellcheck disable=SC2206
COMMAND=(${VQL_COMMAND:-train})
[ "$CONFIG" != "-" ] && COMMAND+=(--config "$CONFIG")

echo "launch/cluster.sh: mpirun ${MPI_ARGS[*]} $BIN ${COMMAND[*]} $*" >&2
exec mpirun "${MPI_ARGS[@]}" "$BIN" "${COMMAND[@]}" "$@"
