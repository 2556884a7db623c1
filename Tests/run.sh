#!/usr/bin/env bash
# The whole test suite: unit and property tests (swift test, a world of size 1), then the
# multi-rank tests in Tests/mpi/*.sh, which run the CLI under mpirun. Exits non-zero if
# anything failed; the last line counts the multi-rank scripts.
set -uo pipefail
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
swift test 2>&1 || { echo "swift test failed"; exit 1; }
passed=0; failed=0
for t in Tests/mpi/*.sh; do
  [ -e "$t" ] || continue
  echo "== $t"
  if bash "$t"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $t"; fi
done
echo "mpi: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
