#!/usr/bin/env bash
# bench-scripting.sh: EVALSHA of a 3-call script (INCR k1, SET k2, GET k2) on Spindle and on
# redis-server in the same run, with redis-benchmark (servers on CPU 0, redis-benchmark on
# CPU 1, alternating, REPS runs each, medians). Two cases: both keys on one shard, and the two
# keys on different shards (Spindle with 2 shards). Needs `npx tsc -p .` first.
#   scripts/bench-scripting.sh [REQUESTS] [CLIENTS] [PIPELINE] [REPS]
set -u
N=${1:-200000} C=${2:-50} P=${3:-16} REPS=${4:-3}
cd "$(dirname "$0")/.."
SP=$((20000 + RANDOM % 20000)); RP=$((SP + 1))
taskset -c 0 node dist/cli/server.js --port $SP --shards 2 >/dev/null 2>&1 & SPID=$!
taskset -c 0 redis-server --port $RP --save '' --appendonly no >/dev/null 2>&1 & RPID=$!
trap 'kill $SPID $RPID 2>/dev/null' EXIT
for i in $(seq 300); do redis-cli -p $SP ping >/dev/null 2>&1 && redis-cli -p $RP ping >/dev/null 2>&1 && break; sleep 0.1; done
SCRIPT='redis.call("INCR", KEYS[1]) redis.call("SET", KEYS[2], ARGV[1]) return redis.call("GET", KEYS[2])'
# keys: a/b share shard 0 of 2; a/c are on shards 0 and 1 (slot*2/16384)
read -r KA KB KC < <(node -e '
const { keySlot } = require("./dist/sab/hash.js");
const sh = (k) => Math.floor(keySlot(Buffer.from(k), 0, k.length) * 2 / 16384);
const ks = []; for (let i = 0; ks.length < 3; i++) { const k = "bk" + i;
  if (ks.length < 2 ? sh(k) === 0 : sh(k) === 1) ks.push(k); }
console.log(ks.join(" "));' 2>/dev/null || node --input-type=module -e '
import { keySlot } from "./dist/sab/hash.js";
const sh = (k) => Math.floor(keySlot(Buffer.from(k), 0, k.length) * 2 / 16384);
const ks = []; for (let i = 0; ks.length < 3; i++) { const k = "bk" + i;
  if (ks.length < 2 ? sh(k) === 0 : sh(k) === 1) ks.push(k); }
console.log(ks.join(" "));')
SHA=$(redis-cli -p $SP script load "$SCRIPT"); redis-cli -p $RP script load "$SCRIPT" >/dev/null
run() { # port keys...
  taskset -c 1 redis-benchmark -p "$1" -n $N -c $C -P $P -q evalsha $SHA 2 "$2" "$3" v 2>/dev/null \
    | tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -1 | cut -d' ' -f1
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for case in "one-shard $KA $KB" "two-shards $KA $KC"; do
  set -- $case
  s=(); r=()
  for i in $(seq $REPS); do s+=("$(run $SP $2 $3)"); r+=("$(run $RP $2 $3)"); done
  ms=$(printf '%s\n' "${s[@]}" | median); mr=$(printf '%s\n' "${r[@]}" | median)
  echo "$1 (c=$C P=$P): spindle ${s[*]} -> $ms rps; redis ${r[*]} -> $mr rps; ratio $(awk "BEGIN{printf \"%.2f\", $ms/$mr}")"
done
