#!/usr/bin/env bash
# DESIGN §6.3 and the failure contract, on real OpenMPI with the real CLI:
#  - np=2 and np=1 with the same global batch end with the same parameters (≤ 1e-4 relative
#    after 24 steps), and np=2 twice is bitwise identical (vq with user features, full without);
#  - the item rows and gradients through shared memory (the default on one machine) and
#    through messages (VQL_ITEM_EXCHANGE=messages) give bitwise the same model, at np=2 and
#    (vq) at np=3;
#  - a failure injected on rank 1 only ends the job non-zero within 30 s, naming rank 1;
#  - `vql bench train` at np=2 prints the step's figures and rank 0's matrix products, and
#    `vql bench scaling` its ceilings (from independent runs' step times), `vql bench cores`
#    every CPU's speed and the round trips between them.
source "$(dirname "$0")/_lib.bash"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

small_dataset "$work/prepared" 3
config() { # ENCODER USER_FEATURES
cat > "$work/cfg.yaml" <<YAML
data: {path: "$work/prepared", max_len: 128}
model: {encoder: $1, item_dim: 8, heads: 4, groups: 2, key_dim: 8, value_dim: 8, codebook_size: 16, mlp: [16], reseed_every: 10, user_features: ${2:-false}}
train: {global_batch_size: 64, max_steps: 24, eval_every: 12, log_every: 4}
eval: {max_samples: 500}
YAML
}

train() { # NP OUT [extra env…]
  local np="$1" out="$2"; shift 2
  env "$@" bash -c 'source "$0"; vql_mpirun "$1" "$VQL_BIN" train --config "$2" --out "$3"' \
    "$(dirname "$0")/_lib.bash" "$np" "$work/cfg.yaml" "$out"
}

for setting in vq:true full:false; do
  encoder="${setting%%:*}"
  config "$encoder" "${setting#*:}"
  train 1 "$work/np1_$encoder" > "$work/np1.log" 2>&1 || { cat "$work/np1.log"; fail "np=1 training ($encoder)"; }
  train 2 "$work/np2a_$encoder" > "$work/np2a.log" 2>&1 || { cat "$work/np2a.log"; fail "np=2 training ($encoder)"; }
  train 2 "$work/np2b_$encoder" > "$work/np2b.log" 2>&1 || { cat "$work/np2b.log"; fail "np=2 training, second run ($encoder)"; }
  grep -q "test: auc" "$work/np2a.log" || fail "np=2 run printed no test metrics"
  grep -q "encoder $encoder" "$work/np2a.log" || fail "the run did not use encoder $encoder"
  "$VQL_BIN" debug compare-models "$work/np2a_$encoder/model.safetensors" "$work/np2b_$encoder/model.safetensors" \
    || fail "np=2 twice is not bitwise identical ($encoder)"
  "$VQL_BIN" debug compare-models --tolerance 1e-4 "$work/np1_$encoder/model.safetensors" "$work/np2a_$encoder/model.safetensors" \
    || fail "np=1 and np=2 differ by more than 1e-4 ($encoder)"
  echo "ok: $encoder np=1 ≈ np=2, np=2 reproducible"
  grep -q "item exchange: shared memory" "$work/np2a.log" || { cat "$work/np2a.log"; fail "np=2 on one machine did not use shared memory"; }
  sizes=2; [ "$encoder" = vq ] && sizes="2 3"
  for np in $sizes; do
    for transport in shared messages; do
      train "$np" "$work/np${np}_${transport}_$encoder" VQL_ITEM_EXCHANGE=$transport > "$work/t.log" 2>&1 || { cat "$work/t.log"; fail "np=$np training through $transport"; }
    done
    grep -q "item exchange: messages" "$work/t.log" || { cat "$work/t.log"; fail "VQL_ITEM_EXCHANGE=messages did not use messages"; }
    "$VQL_BIN" debug compare-models "$work/np${np}_shared_$encoder/model.safetensors" "$work/np${np}_messages_$encoder/model.safetensors" \
      || fail "np=$np: shared memory and messages give different models ($encoder)"
  done
  [ "$encoder" = vq ] && { "$VQL_BIN" debug compare-models --tolerance 1e-4 "$work/np1_vq/model.safetensors" "$work/np3_shared_vq/model.safetensors" \
    || fail "np=1 and np=3 differ by more than 1e-4 (vq)"; }
  echo "ok: $encoder shared memory = messages (np $sizes)"
done

bench=$(bash -c 'source "$0"; vql_mpirun 2 "$VQL_BIN" bench train --config "$1" --steps 2' "$(dirname "$0")/_lib.bash" "$work/cfg.yaml" 2>&1) \
  || { echo "$bench"; fail "vql bench train at np=2"; }
for line in "ranks  *2" "bytes sent per step" "compute per step, slowest rank over mean" "matrix products on rank 0" "A·Bᵀ" "Aᵀ·B"; do
  grep -q "$line" <<<"$bench" || { echo "$bench"; fail "vql bench train printed no '$line'"; }
done
echo "ok: vql bench train at np=2 prints its tables"

# np=1, np=2 and two independent np=1 runs (with --step-times) in one round; the ceilings'
# table needs every run's rate and step times (enough steps that the two runs overlap)
scaling=$(timeout 300 "$VQL_BIN" bench scaling --config "$work/cfg.yaml" --rounds 1 --steps 500 2>&1) \
  || { echo "$scaling"; fail "vql bench scaling"; }
grep -q "lock-step ceiling: their cores' pace step by step" <<<"$scaling" || { echo "$scaling"; fail "vql bench scaling printed no lock-step ceiling"; }
grep -Eq "^2 +[0-9.]+× \([0-9.]+–[0-9.]+\) +[0-9.]+× \([0-9.]+–[0-9.]+\) +[0-9]+% +[0-9]+%$" <<<"$scaling" \
  || { echo "$scaling"; fail "vql bench scaling's ceilings row for np=2 is not numbers"; }
grep -Eq "^2 +[+-][0-9]+% \([+-][0-9]+% to [+-][0-9]+%\)$" <<<"$scaling" \
  || { echo "$scaling"; fail "vql bench scaling printed no compute figure for np=2"; }
echo "ok: vql bench scaling prints both ceilings and the split's compute"

cores=$("$VQL_BIN" bench cores --repeats 1 --trips 1000 2>&1) || { echo "$cores"; fail "vql bench cores"; }
ncpu=$(nproc)
[ "$(grep -Ec '^[0-9]+ +[0-9.]+ \([0-9.]+–[0-9.]+\)$' <<<"$cores")" -eq "$ncpu" ] || { echo "$cores"; fail "vql bench cores: not one sgemm figure per CPU"; }
if [ "$ncpu" -ge 2 ]; then
  grep -Eq '^[0-9]+ ↔ [0-9]+ +[0-9]+ \([0-9]+–[0-9]+\)$' <<<"$cores" || { echo "$cores"; fail "vql bench cores: no round trip between two CPUs"; }
fi
echo "ok: vql bench cores prints every CPU's speed and the round trips"

start=$(now_ms)
set +e
train 2 "$work/fail" VQL_DEBUG_FAIL_RANK=1 VQL_DEBUG_FAIL_STEP=3 > "$work/fail.log" 2>&1
rc=$?
set -e
elapsed=$(( $(now_ms) - start ))
[ "$rc" -ne 0 ] || fail "a failure on rank 1 left mpirun with exit 0"
[ "$elapsed" -lt 30000 ] || fail "the job took ${elapsed} ms to end after a failure on rank 1"
grep -q "rank 1/2" "$work/fail.log" || { cat "$work/fail.log"; fail "the message does not name rank 1"; }
echo "ok: injected failure on rank 1 ended the job in ${elapsed} ms (exit $rc)"
