#!/usr/bin/env bash
# The whole test suite: unit and property tests (swift test, a world of size 1), then the
# multi-rank tests that run the CLI under mpirun. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
swift test 2>&1
for t in Tests/mpi/*.sh; do
  [ -e "$t" ] || continue
  echo "== $t"
  bash "$t"
done
