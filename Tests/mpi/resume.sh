#!/usr/bin/env bash
# DESIGN §6.4 and the checkpoint contract (issue #4), on real OpenMPI with the real CLI:
#  (a) np=2: a run killed with SIGKILL on one rank at a random point after a checkpoint,
#      then `--resume`d, ends bitwise identical to the uninterrupted run;
#  (b) a checkpoint written under np=2 resumed under np=1 (with a longer train.max_steps)
#      ends within 1e-4 of the uninterrupted np=2 run;
#  (c) a changed model key or dataset is refused naming what differs; a damaged newest
#      checkpoint is skipped with a message, resuming from the previous one;
#  (d) a NaN injected into rank 1's gradient stops both ranks with the step and tensor
#      named, and no checkpoint of that state (or later) is written;
#  (e) Python's safetensors + numpy load a checkpoint and agree with `vql inspect --json`.
source "$(dirname "$0")/_lib.bash"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
started=$(now_ms)

small_dataset "$work/prepared" 3
small_vq_config "$work/cfg.yaml" "$work/prepared" \
  "global_batch_size: 64, max_steps: 40, eval_every: 10, log_every: 5, checkpoint_every: 4, keep_checkpoints: 3"

train() { # NP OUT [vql train args…]; env passes through
  local np="$1" out="$2"; shift 2
  vql_mpirun "$np" "$VQL_BIN" train --config "$work/cfg.yaml" --out "$out" "$@"
}
model() { echo "$work/$1/model.safetensors"; }

# (a) uninterrupted vs. killed + resumed, np=2.
train 2 "$work/straight" > "$work/straight.log" 2>&1 || { cat "$work/straight.log"; fail "uninterrupted np=2 run"; }
[ -f "$work/straight/checkpoints/step_00000040/state.json" ] || fail "no final checkpoint step_00000040"
[ "$(ls "$work/straight/checkpoints" | grep -c '^step_')" -eq 3 ] || fail "keep_checkpoints=3 not honoured: $(ls "$work/straight/checkpoints")"

target=$(( 4 * (1 + RANDOM % 6) ))            # kill once the checkpoint of step 4…24 exists
train 2 "$work/crash" > "$work/crash.log" 2>&1 &
job=$!
victim=""
for _ in $(seq 1 3000); do
  latest=$(cat "$work/crash/checkpoints/latest" 2>/dev/null || true)
  if [ -n "$latest" ] && [ "${latest#step_}" -ge "$target" ] 2>/dev/null; then
    pids=($(pgrep -f "^$VQL_BIN train --config $work/cfg.yaml --out $work/crash\$" || true))
    [ "${#pids[@]}" -eq 2 ] || fail "expected 2 rank processes, found ${#pids[@]}"
    victim=${pids[$((RANDOM % 2))]}
    kill -9 "$victim"
    break
  fi
  kill -0 "$job" 2>/dev/null || break
  sleep 0.01
done
set +e; wait "$job"; rc=$?; set -e
[ -n "$victim" ] || { cat "$work/crash.log"; fail "the run ended before the checkpoint of step $target appeared"; }
[ "$rc" -ne 0 ] || fail "mpirun exited 0 after a rank was killed (the kill came too late?)"
[ ! -f "$(model crash)" ] || fail "the killed run wrote a final model"
killed_at=$(cat "$work/crash/checkpoints/latest")
train 2 "$work/crash" --resume > "$work/resume.log" 2>&1 || { cat "$work/resume.log"; fail "np=2 --resume after kill -9"; }
grep -q "resuming from .*step_" "$work/resume.log" || fail "the resumed run did not say where it resumed from"
"$VQL_BIN" debug compare-models "$(model straight)" "$(model crash)" \
  || fail "killed (after $killed_at) and resumed run differs from the uninterrupted one"
# The resumed run's metrics read as one run: train steps strictly increasing.
python3 - "$work/crash/metrics.jsonl" <<'PY' || fail "metrics.jsonl repeats or reorders train steps after --resume"
import json, sys
steps = [r["step"] for r in map(json.loads, open(sys.argv[1])) if r.get("kind") == "train"]
sys.exit(0 if steps and all(a < b for a, b in zip(steps, steps[1:])) else 1)
PY
echo "ok (a): kill -9 of pid $victim after checkpoint $killed_at, --resume: bitwise identical to the uninterrupted np=2 run, metrics in step order"

# (b) checkpoint under np=2, resume under np=1 with a longer max_steps.
train 2 "$work/half" --set train.max_steps=20 > "$work/half.log" 2>&1 || { cat "$work/half.log"; fail "np=2 20-step run"; }
train 1 "$work/half" --set train.max_steps=40 --resume > "$work/half1.log" 2>&1 || { cat "$work/half1.log"; fail "np=1 resume of an np=2 checkpoint"; }
grep -q "saved by 2 rank(s)" "$work/half1.log" || fail "resume did not report the world size at save"
"$VQL_BIN" debug compare-models --tolerance 1e-4 "$(model straight)" "$(model half)" \
  || fail "np=2 checkpoint resumed under np=1 is not within 1e-4 of the np=2 run"
echo "ok (b): np=2 checkpoint at step 20 resumed under np=1 to step 40 within 1e-4"

# (c) refusals and fallback.
set +e
out=$(train 1 "$work/half" --set model.item_dim=4 --resume 2>&1); rc=$?
set -e
[ "$rc" -ne 0 ] && grep -q "model.item_dim: checkpoint has 8, config has 4" <<<"$out" || fail "a changed model.item_dim was not refused by name:"$'\n'"$out"
small_dataset "$work/prepared2" 4
set +e
out=$(train 2 "$work/half" --set data.path="$work/prepared2" --resume 2>&1); rc=$?
set -e
[ "$rc" -ne 0 ] && grep -q "dataset .*checkpoint has" <<<"$out" || fail "a different dataset was not refused:"$'\n'"$out"
grep -q "rank 1/2" <<<"$out" || fail "the refusal did not end rank 1 with the message:"$'\n'"$out"
cp -r "$work/straight" "$work/damaged"
newest="$work/damaged/checkpoints/$(cat "$work/damaged/checkpoints/latest")"
printf '\xff' | dd of="$newest/model.safetensors" bs=1 seek=4000 conv=notrunc 2>/dev/null
set +e; "$VQL_BIN" inspect "$newest" > "$work/inspect-bad.log" 2>&1; rc=$?; set -e
[ "$rc" -ne 0 ] && grep -q "model.safetensors: checksum mismatch" "$work/inspect-bad.log" || fail "vql inspect accepted a flipped byte"
train 2 "$work/damaged" --resume > "$work/fallback.log" 2>&1 || { cat "$work/fallback.log"; fail "resume past a damaged checkpoint"; }
grep -q "step_00000040/model.safetensors: checksum mismatch" "$work/fallback.log" && grep -q "falling back to .*step_00000036" "$work/fallback.log" \
  || { cat "$work/fallback.log"; fail "automatic resume did not name the damaged file and fall back to step 36"; }
"$VQL_BIN" debug compare-models "$(model straight)" "$(model damaged)" || fail "the fallback resume is not bitwise identical"
echo "ok (c): changed model key and dataset refused by name; damaged newest checkpoint skipped, resumed from step 36"

# (d) injected NaN on rank 1 at step 10: both ranks stop with the diagnostic, no checkpoint after step 8.
set +e
VQL_DEBUG_NAN_RANK=1 VQL_DEBUG_NAN_STEP=10 train 2 "$work/nan" > "$work/nan.log" 2>&1; rc=$?
set -e
[ "$rc" -ne 0 ] || fail "a NaN gradient left mpirun with exit 0"
for r in 0 1; do
  grep -q "vql: rank $r/2: non-finite values at step 10: gradient of value.weight\[0\] is nan" "$work/nan.log" \
    || { cat "$work/nan.log"; fail "rank $r did not stop with the non-finite diagnostic"; }
done
[ "$(cat "$work/nan/checkpoints/latest")" = step_00000008 ] || fail "latest is $(cat "$work/nan/checkpoints/latest"), expected step_00000008"
[ "$(ls "$work/nan/checkpoints" | grep '^step_' | tail -1)" = step_00000008 ] || fail "a checkpoint after the NaN was written: $(ls "$work/nan/checkpoints")"
[ ! -f "$(model nan)" ] || fail "a model was written after the NaN"
echo "ok (d): NaN on rank 1 at step 10 stopped both ranks (exit $rc); newest checkpoint is step 8"

# (e) Python reads the checkpoint and agrees with vql inspect.
pip install -q safetensors numpy >/dev/null 2>&1 || echo "skip: pip install safetensors numpy failed"
ckpt="$work/straight/checkpoints/step_00000040"
"$VQL_BIN" inspect --json "$ckpt" > "$work/inspect.json" || fail "vql inspect --json on a good checkpoint"
if python3 -c "import safetensors, numpy" 2>/dev/null; then
  python3 "$VQL_ROOT/Tests/python/check_checkpoint.py" "$ckpt" "$work/inspect.json" || fail "Python disagrees with vql inspect"
  echo "ok (e): Python safetensors/numpy agree with vql inspect"
else
  echo "skip (e): python3 with safetensors and numpy not available"
fi
echo "resume.sh: all checks passed in $(( ($(now_ms) - started) / 1000 )) s"
