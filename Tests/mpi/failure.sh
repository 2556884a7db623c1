#!/usr/bin/env bash
# A failing rank ends the whole job in seconds (MPI_Abort), with a message naming it,
# even while the other ranks wait in a collective; and a multi-rank environment without
# a multi-rank MPI world is refused instead of silently training N singletons.
source "$(dirname "$0")/_lib.bash"

for bad in 1 0; do
  start=$(now_ms)
  set +e
  out=$(VQL_MPI_TIMEOUT=60 vql_mpirun 2 "$VQL_BIN" debug fail-on-rank "$bad" 2>&1)
  rc=$?
  set -e
  elapsed=$(( $(now_ms) - start ))
  [ "$rc" -ne 124 ] || fail "fail-on-rank $bad: job hung (killed by timeout after 60 s)"
  [ "$rc" -ne 0 ] || fail "fail-on-rank $bad: exited 0:"$'\n'"$out"
  [ "$elapsed" -lt 30000 ] || fail "fail-on-rank $bad: took ${elapsed} ms (limit 30 s)"
  grep -q "vql: rank $bad/2: injected failure" <<<"$out" \
    || fail "fail-on-rank $bad: no message naming rank $bad:"$'\n'"$out"
  echo "ok fail-on-rank $bad: exit $rc after ${elapsed} ms"
done

set +e
out=$(OMPI_COMM_WORLD_SIZE=2 timeout 60 "$VQL_BIN" debug collectives 2>&1)
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "OMPI_COMM_WORLD_SIZE=2 without mpirun was accepted:"$'\n'"$out"
grep -q "misconfigured launch" <<<"$out" || fail "no misconfigured-launch message:"$'\n'"$out"
grep -q "OMPI_COMM_WORLD_SIZE=2" <<<"$out" || fail "message does not name the variable:"$'\n'"$out"
echo "ok misconfigured launch refused (exit $rc)"
