#!/usr/bin/env bash
# Caches and scoring through the CLI: a cache built under np=2 equals one built under np=1
# (bitwise), `vql score` answers known, unknown-user and unknown-item requests, a cache is
# refused with another model, and `vql cache append` changes the appended user's score only.
# The model reads the dataset's user features, so the caches carry their values too.
source "$(dirname "$0")/_lib.bash"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$VQL_BIN" synth --format kuairand --out "$work/raw" --users 30 --items 200 --tags 10 --mean-len 150 --seed 4 >/dev/null
"$VQL_BIN" prepare --format kuairand --input "$work/raw" --out "$work/prepared" >/dev/null
cat > "$work/cfg.yaml" <<YAML
data: {path: "$work/prepared", max_len: 64}
model: {item_dim: 8, heads: 4, groups: 2, key_dim: 8, value_dim: 8, codebook_size: 16, mlp: [16], user_features: true}
train: {global_batch_size: 32, max_steps: 10, eval_every: 0}
YAML
"$VQL_BIN" train --config "$work/cfg.yaml" --out "$work/run" > "$work/train.log" 2>&1 || { cat "$work/train.log"; fail "training"; }
"$VQL_BIN" train --config "$work/cfg.yaml" --set train.seed=9 --out "$work/other" > /dev/null 2>&1 || fail "training the other model"

vql_mpirun 1 "$VQL_BIN" build-cache --run "$work/run" --out "$work/cache1" > "$work/c1.log" 2>&1 || { cat "$work/c1.log"; fail "build-cache np=1"; }
vql_mpirun 2 "$VQL_BIN" build-cache --run "$work/run" --out "$work/cache2" > "$work/c2.log" 2>&1 || { cat "$work/c2.log"; fail "build-cache np=2"; }
cmp "$work/cache1/users.safetensors" "$work/cache2/users.safetensors" || fail "the np=2 cache differs from the np=1 cache"
cmp "$work/cache1/items.safetensors" "$work/cache2/items.safetensors" || fail "the np=2 item→code table differs from np=1"
grep -q '"name" : "user_active_degree"' "$work/cache1/manifest.json" || fail "the cache manifest lists no user features"
grep -q '"user_features"' "$work/cache1/users.safetensors" || fail "the cache holds no user feature values"
echo "ok: cache built under np=2 is byte-identical to np=1"

user=$(sed -n 2p "$work/raw/log_standard_4_08_to_4_21_1k.csv" | cut -d, -f1)
item=$(sed -n 2p "$work/raw/log_standard_4_08_to_4_21_1k.csv" | cut -d, -f2)
printf 'user_id,item_id,time_ms\n%s,%s,1700000000000\n999999999,%s,0\n%s,424242424,0\n' "$user" "$item" "$item" "$user" > "$work/req.csv"
"$VQL_BIN" score --cache "$work/cache1" --input "$work/req.csv" --output "$work/scores.csv" || fail "score"
[ "$(wc -l < "$work/scores.csv")" -eq 4 ] || { cat "$work/scores.csv"; fail "expected a header and 3 scored rows"; }
sed -n 3p "$work/scores.csv" | grep -q unknown_user || fail "unknown user not flagged"
sed -n 4p "$work/scores.csv" | grep -q unknown_item || fail "unknown item not flagged"
awk -F, 'NR>1 && !($4 > 0 && $4 < 1) {exit 1}' "$work/scores.csv" || fail "a score is not a probability"
echo "ok: vql score answers known, unknown-user and unknown-item requests"

if "$VQL_BIN" score --cache "$work/cache1" --model "$work/other/model.safetensors" --user "$user" --item "$item" > "$work/refuse.log" 2>&1; then
  fail "a cache was accepted with another model"
fi
grep -q "not the one the cache was built from" "$work/refuse.log" || { cat "$work/refuse.log"; fail "refusal message"; }
echo "ok: a cache from another model is refused"

before=$("$VQL_BIN" score --cache "$work/cache1" --user "$user" --item "$item" | sed -n 2p | cut -d, -f4)
printf 'user_id,item_id,time_ms\n%s,%s,1800000000000\n%s,%s,1800000001000\n' "$user" "$item" "$user" "$item" > "$work/new.csv"
"$VQL_BIN" cache append --cache "$work/cache1" --events "$work/new.csv" | grep -q "appended 2 events" || fail "cache append"
after=$("$VQL_BIN" score --cache "$work/cache1" --user "$user" --item "$item" | sed -n 2p | cut -d, -f4)
[ "$before" != "$after" ] || fail "appending events did not change the user's score ($before)"
echo "ok: cache append folds new events in ($before -> $after)"
