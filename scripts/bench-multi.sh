#!/usr/bin/env bash
# Spindle vs redis-server for MULTI + 5 commands + EXEC, vs-redis.sh's method: both servers on
# CPU 0, the client on CPU 1, alternating runs, medians, CPU per transaction from /proc.
# usage: scripts/bench-multi.sh "PIPES" REPS SECS CLIENTS SHARDS   (after npm run build)
set -u
cd "$(dirname "$0")/.."
PIPES=${1:-"1 16"} REPS=${2:-3} SECS=${3:-3} CLIENTS=${4:-50} SHARDS=${5:-1}
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
RPORT=$(free_port); SPORT=$(free_port)
taskset -c 0 redis-server --port $RPORT --bind 127.0.0.1 --save '' --appendonly no >/tmp/bench-multi-r.log 2>&1 & RPID=$!
taskset -c 0 node dist/cli/server.js --port $SPORT --bind 127.0.0.1 --shards $SHARDS >/tmp/bench-multi-s.log 2>&1 & SPID=$!
trap 'kill $RPID $SPID 2>/dev/null; wait $RPID $SPID 2>/dev/null' EXIT
for p in $RPORT $SPORT; do for _ in $(seq 1 100); do redis-cli -p $p ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done; done
taskset -acp 0 $SPID >/dev/null 2>&1
ticks() { sed 's/^.*) //' /proc/$1/stat | awk '{print $12+$13}'; }
HZ=$(getconf CLK_TCK)
one() { local c0 c1 tps; c0=$(ticks $1); tps=$(taskset -c 1 node scripts/bench-multi.mjs $2 $CLIENTS $3 $SECS); c1=$(ticks $1)
  awk -v t="$tps" -v a=$c0 -v b=$c1 -v hz=$HZ -v s=$SECS 'BEGIN{printf "%s %.2f\n", t, (b-a)/hz*1e6/(t*s)}'; }
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
echo "| P (tx per write) | redis tx/s | spindle tx/s | ratio | redis µs CPU/tx | spindle µs CPU/tx |"
echo "|---|---|---|---|---|---|"
for P in $PIPES; do
  rr=(); sr=(); rc=(); sc=()
  for _ in $(seq 1 $REPS); do
    read -r a b < <(one $RPID $RPORT $P); rr+=($a); rc+=($b)
    read -r a b < <(one $SPID $SPORT $P); sr+=($a); sc+=($b)
  done
  R=$(med "${rr[@]}"); S=$(med "${sr[@]}"); RC=$(med "${rc[@]}"); SC=$(med "${sc[@]}")
  awk -v p=$P -v R=$R -v S=$S -v RC=$RC -v SC=$SC 'BEGIN{printf "| %s | %.0f | %.0f | %.2f | %.2f | %.2f |\n", p, R, S, S/R, RC, SC}'
done
echo; echo "settings: $CLIENTS connections, MULTI + SET/GET/SET/GET/SET + EXEC, $REPS alternating runs of ${SECS}s, median; servers on CPU 0, client on CPU 1; spindle --shards $SHARDS; $(redis-server --version | cut -d' ' -f3); node $(node --version)"
