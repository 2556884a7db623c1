#!/usr/bin/env bash
# A clean stop on a signal (`StopSignals`), as Slurm's `--signal=USR1@…` or a preemption
# sends it: SIGUSR1 to mpirun (which forwards it to both ranks) mid-run makes the job write
# a checkpoint of the step it stopped at and exit non-zero within seconds, saying where it
# stopped; `--resume` then ends bitwise identical to an uninterrupted run of the same length.
# Then a requeued job's flags: a plain run into that directory is refused (nothing changed),
# `--resume` with nothing to resume starts anew, `--restart` deletes the earlier run first.
source "$(dirname "$0")/_lib.bash"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
started=$(now_ms)

small_dataset "$work/prepared" 5
small_vq_config "$work/cfg.yaml" "$work/prepared" "global_batch_size: 64, max_steps: 1000000, eval_every: 0, log_every: 5, checkpoint_every: 0"
train() { # NP OUT [vql train args…]
  local np="$1" out="$2"; shift 2
  vql_mpirun "$np" "$VQL_BIN" train --config "$work/cfg.yaml" --out "$out" "$@"
}

train 2 "$work/stopped" > "$work/stopped.log" 2>&1 &
job=$!
for _ in $(seq 1 3000); do   # wait until a few steps are logged
  grep -q '"kind":"train"' "$work/stopped/metrics.jsonl" 2>/dev/null && break
  kill -0 "$job" 2>/dev/null || { cat "$work/stopped.log"; fail "training ended before the signal"; }
  sleep 0.01
done
launcher=$(pgrep -f "^mpirun -np 2 .*--out $work/stopped\$" || true)
[ -n "$launcher" ] || fail "mpirun of the run to stop not found"
signalled=$(now_ms)
kill -USR1 "$launcher"
set +e; wait "$job"; rc=$?; set -e
waited=$(( $(now_ms) - signalled ))
[ "$rc" -ne 0 ] || fail "mpirun exited 0 after SIGUSR1 (the job must report that it did not finish)"
[ "$waited" -lt 30000 ] || fail "the job took ${waited} ms to stop after SIGUSR1"
step=$(sed -n 's/.*stopped at step \([0-9]*\) on SIGUSR1; checkpoint .* written.*/\1/p' "$work/stopped.log" | head -1)
[ -n "$step" ] || { cat "$work/stopped.log"; fail "no 'stopped at step N on SIGUSR1; checkpoint … written' message"; }
ckpt="$work/stopped/checkpoints/$(printf 'step_%08d' "$step")"
[ -f "$ckpt/state.json" ] || fail "no checkpoint $ckpt of the step the run stopped at"
[ "$(cat "$work/stopped/checkpoints/latest")" = "$(basename "$ckpt")" ] || fail "latest does not name $ckpt"
grep -q "\"kind\":\"stop\",\"signal\":\"SIGUSR1\",\"step\":$step" "$work/stopped/metrics.jsonl" || fail "metrics.jsonl has no stop record for step $step"
[ ! -f "$work/stopped/model.safetensors" ] || fail "a stopped run wrote a final model"
grep -q "<polyline" "$work/stopped/metrics.svg" 2>/dev/null || fail "the stopped run drew no training curve in metrics.svg"

finish=$((step + 3))
train 2 "$work/stopped" --resume --set train.max_steps=$finish > "$work/resume.log" 2>&1 \
  || { cat "$work/resume.log"; fail "--resume after the stop"; }
grep -q "resuming from .*$(basename "$ckpt")" "$work/resume.log" || fail "the resumed run did not start from $(basename "$ckpt")"
train 2 "$work/straight" --set train.max_steps=$finish > "$work/straight.log" 2>&1 \
  || { cat "$work/straight.log"; fail "uninterrupted run to step $finish"; }
"$VQL_BIN" debug compare-models "$work/straight/model.safetensors" "$work/stopped/model.safetensors" \
  || fail "stopped at $step and resumed to $finish differs from the uninterrupted run"
grep -q "<polyline" "$work/straight/metrics.svg" || fail "the finished run wrote no metrics.svg"

# A requeued job must neither clobber the earlier run nor fail on its first start.
before=$(sha256sum "$work/stopped/model.safetensors")
set +e; out=$(train 2 "$work/stopped" --set train.max_steps=3 2>&1); rc=$?; set -e
[ "$rc" -ne 0 ] && grep -q "holds checkpoints of an earlier run (newest: step $finish); continue it with --resume, start over with --restart" <<<"$out" \
  || fail "a fresh run into a directory with checkpoints was not refused:"$'\n'"$out"
[ "$before" = "$(sha256sum "$work/stopped/model.safetensors")" ] || fail "the refused run changed the earlier model"
train 2 "$work/requeued" --resume --set train.max_steps=3 > "$work/requeued.log" 2>&1 || { cat "$work/requeued.log"; fail "--resume with nothing to resume"; }
grep -q "no earlier run in $work/requeued to resume; starting a new one" "$work/requeued.log" || fail "--resume on an empty run directory did not say it starts anew"
train 2 "$work/stopped" --restart --set train.max_steps=3 > "$work/restart.log" 2>&1 || { cat "$work/restart.log"; fail "--restart"; }
[ "$(ls "$work/stopped/checkpoints" | grep '^step_')" = "step_00000003" ] || fail "--restart left the earlier checkpoints: $(ls "$work/stopped/checkpoints")"
echo "ok: SIGUSR1 stopped np=2 at step $step in ${waited} ms with a checkpoint; resumed to $finish bitwise identical; refused, resumed-from-nothing and restarted runs behave ($(( ($(now_ms) - started) / 1000 )) s)"
