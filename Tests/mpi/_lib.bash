# Shared helper for the multi-rank tests (sourced, not run: the name does not match the
# Tests/run.sh loop over Tests/mpi/*.sh).
#
# Provides:
#   VQL_BIN         the vql binary under test. Default: .build/release/vql, built with
#                   `swift build -c release --product vql` (incremental: a no-op when up
#                   to date, so each script "builds" but only the first one compiles).
#                   Set VQL_BIN to an existing binary to skip the build (e.g. a debug
#                   build in another scratch path while developing).
#   vql_mpirun NP ARGS…   mpirun -np NP with --bind-to none, --oversubscribe when NP
#                   exceeds the cores, one OpenBLAS thread per rank, under `timeout`.
#   small_dataset DIR SEED   a synthetic KuaiRand-1K log (40 users, 300 items, 12 tags,
#                   histories of ~200 events) prepared into DIR; the raw files go to DIR.raw.
#   small_vq_config FILE DATA TRAIN   a run config for small_dataset's data: a small vq
#                   model, TRAIN as the train mapping's fields, 300 eval samples.
#   fail MESSAGE    prints "FAIL: MESSAGE" and exits 1.
#   now_ms          milliseconds since the epoch.
set -euo pipefail

VQL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# CI runs as root; Open MPI refuses that unless both variables are set.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Containers often forbid the cross-memory-attach syscalls Open MPI's shared-memory
# transport uses for large messages; copy through shared memory instead (works anywhere).
export OMPI_MCA_btl_vader_single_copy_mechanism="${OMPI_MCA_btl_vader_single_copy_mechanism:-none}"

if [ -z "${VQL_BIN:-}" ]; then
  (cd "$VQL_ROOT" && swift build -c release --product vql >&2)
  VQL_BIN="$VQL_ROOT/.build/release/vql"
fi
[ -x "$VQL_BIN" ] || { echo "FAIL: vql binary not found at $VQL_BIN" >&2; exit 1; }
export VQL_BIN

fail() { echo "FAIL: $*" >&2; exit 1; }
small_dataset() {
  "$VQL_BIN" synth --format kuairand --out "$1.raw" --users 40 --items 300 --tags 12 --mean-len 200 --seed "$2" >/dev/null
  "$VQL_BIN" prepare --format kuairand --input "$1.raw" --out "$1" >/dev/null
}
small_vq_config() {
  cat > "$1" <<YAML
data: {path: "$2", max_len: 128}
model: {encoder: vq, item_dim: 8, heads: 4, groups: 2, key_dim: 8, value_dim: 8, codebook_size: 16, mlp: [16], reseed_every: 7}
train: {$3}
eval: {max_samples: 300}
YAML
}
now_ms() { date +%s%3N; }

vql_mpirun() {
  local np="$1"; shift
  local extra=()
  [ "$np" -gt "$(nproc)" ] && extra+=(--oversubscribe)
  timeout "${VQL_MPI_TIMEOUT:-120}" mpirun -np "$np" --bind-to none "${extra[@]}" \
    -x OPENBLAS_NUM_THREADS=1 "$@"
}
