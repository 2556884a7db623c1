#!/usr/bin/env bash
# Every raw format end to end with the CLI (a world of size 1, no mpirun): synth a small
# dataset in the format, prepare it with the shipped config (configs/*.yaml; input and output
# overridden), check the summary (user features included), and train 5 steps on it with the
# same config (which feeds the user features to the model).
source "$(dirname "$0")/_lib.bash"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$VQL_ROOT"

small=(--set data.max_len=64 --set train.global_batch_size=32 --set train.max_steps=5 --set train.eval_every=0
       --set train.log_every=1 --set train.checkpoint_every=0 --set eval.max_samples=200 --set model.codebook_size=16
       --set model.item_dim=8 --set model.mlp=[16])

for pair in kuairand:kuairand1k kuairec:kuairec tmall:tmall recbole:recbole-example; do
  format="${pair%%:*}" config="configs/${pair#*:}.yaml"
  cfg="$work/$format.yaml"
  # The RecBole example names MovieLens files and fields; the synthetic files are synth.inter/.item.
  sed -e 's/recbole_name: ml-1m/recbole_name: synth/' -e 's/feature_fields: \[release_year\]/feature_fields: [year]/' "$config" > "$cfg"
  "$VQL_BIN" synth --format "$format" --out "$work/raw_$format" --users 30 --items 300 --tags 12 --mean-len 120 --seed 5 >/dev/null
  "$VQL_BIN" prepare --config "$cfg" --input "$work/raw_$format" --out "$work/prep_$format" > "$work/prepare_$format.log" 2>&1 \
    || { cat "$work/prepare_$format.log"; fail "prepare $format"; }
  grep -q "^prepared .* events, 30 users" "$work/prepare_$format.log" || { cat "$work/prepare_$format.log"; fail "$format: summary"; }
  grep -q "events per user: min" "$work/prepare_$format.log" || fail "$format: no history length distribution"
  # The synthetic user file leaves out every tenth user (9, 19, 29) and adds an unknown one.
  grep -q "user features for 27 of 30 users (the others get 0); of 28 rows, ignored: 1 of users not in the log" "$work/prepare_$format.log" \
    || { cat "$work/prepare_$format.log"; fail "$format: user features"; }
  [ -f "$work/prep_$format/prepare_summary.json" ] || fail "$format: no prepare_summary.json"
  timeout 120 "$VQL_BIN" train --config "$cfg" --set data.path="$work/prep_$format" "${small[@]}" --out "$work/run_$format" \
    > "$work/train_$format.log" 2>&1 || { cat "$work/train_$format.log"; fail "train on prepared $format"; }
  grep -q "test: auc" "$work/train_$format.log" || { cat "$work/train_$format.log"; fail "$format: no test metrics"; }
  grep -q "user_feature_embedding" "$work/run_$format/model.safetensors" || fail "$format: the model has no user feature embeddings"
  echo "ok: $format synth → prepare ($config) → train 5 steps"
done
