#!/usr/bin/env bash
# Every collective, checked on every rank by `vql debug collectives`: a singleton,
# np=2, np=2 with tiny chunks (exercises the chunked allreduce/broadcast and the rounds
# path of allgatherv/gatherv), and np=3 with tiny chunks (vql_mpirun adds --oversubscribe
# when 3 exceeds the cores).
source "$(dirname "$0")/_lib.bash"

check_ok() {  # check_ok NP OUTPUT
  local np="$1" out="$2" r
  for ((r = 0; r < np; r++)); do
    grep -qx "ok rank $r/$np" <<<"$out" || fail "np=$np: missing 'ok rank $r/$np' in:"$'\n'"$out"
  done
}

out=$("$VQL_BIN" debug collectives 2>&1) || fail "singleton: exit $?: $out"
check_ok 1 "$out"

out=$(vql_mpirun 2 "$VQL_BIN" debug collectives 2>&1) || fail "np=2: exit $?: $out"
check_ok 2 "$out"

out=$(vql_mpirun 2 "$VQL_BIN" debug collectives --max-chunk 3 2>&1) || fail "np=2 chunked: exit $?: $out"
check_ok 2 "$out"

out=$(vql_mpirun 3 "$VQL_BIN" debug collectives --max-chunk 2 2>&1) || fail "np=3: exit $?: $out"
check_ok 3 "$out"

echo "ok collectives (np 1, 2, 2 chunked, 3 chunked)"
