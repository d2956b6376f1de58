#!/usr/bin/env bash
# PUBLISH throughput against redis-server in the same run: 1 and 100 subscribers (raw sockets
# that read and discard, scripts/pubsub-sink.mjs), redis-benchmark publishing a 32-byte payload.
# Both servers on CPU 0; redis-benchmark and the subscribers on CPU 1. Each (subscribers,
# pipeline) point runs both servers alternately REPS times; medians are compared.
#   scripts/bench-pubsub.sh [requests=200000] [clients=50] [pipelines="1 16"] [reps=3] [subs="1 100"]
set -u
cd "$(dirname "$0")/.."
N=${1:-200000} C=${2:-50} PIPES=${3:-"1 16"} REPS=${4:-3} SUBS=${5:-"1 100"}
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
RPORT=$(free_port); SPORT=$(free_port)
taskset -c 0 redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no >/tmp/bench-pubsub-r.log 2>&1 & RPID=$!
taskset -c 0 node dist/cli/server.js --port "$SPORT" --shards 1 >/tmp/bench-pubsub-s.log 2>&1 & SPID=$!
SINK=""
cleanup() { [ -n "$SINK" ] && kill "$SINK" 2>/dev/null; kill $RPID $SPID 2>/dev/null; wait $RPID $SPID 2>/dev/null; }
trap cleanup EXIT
up() { for _ in $(seq 1 100); do redis-cli -p "$1" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done; return 1; }
up "$RPORT" && up "$SPORT" || { echo "a server did not start" >&2; exit 1; }
taskset -acp 0 $SPID >/dev/null 2>&1
PAYLOAD=$(printf 'x%.0s' $(seq 1 32))
HZ=$(getconf CLK_TCK)
ticks() { sed 's/^.*) //' /proc/$1/stat | awk '{print $12+$13}'; }
run() { # pid port subs pipeline requests -> "rps cpu_us_per_publish"
  local c0 c1 rps
  c0=$(ticks $1)
  rps=$(timeout 300 taskset -c 1 redis-benchmark -h 127.0.0.1 -p "$2" -c "$C" -n "$5" -P "$4" --csv PUBLISH bench "$PAYLOAD" 2>/dev/null | tail -1 | tr -d '"' | cut -d, -f2)
  c1=$(ticks $1)
  awk -v r="$rps" -v a="$c0" -v b="$c1" -v hz="$HZ" -v n="$5" 'BEGIN{printf "%s %.3f\n", r, (b-a)/hz*1e6/n}'
}
sink() { # port subs: start the sink, wait until ready
  local f=/tmp/bench-pubsub-sink.$1
  taskset -c 1 node scripts/pubsub-sink.mjs "$1" "$2" bench >"$f" 2>&1 & SINK=$!
  for _ in $(seq 1 200); do grep -q ready "$f" 2>/dev/null && return 0; sleep 0.05; done
  echo "sink not ready" >&2; return 1
}
stop_sink() { kill -TERM "$SINK" 2>/dev/null; wait "$SINK" 2>/dev/null; SINK=""; }
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
echo "| subscribers | P | requests | redis PUBLISH/s | spindle PUBLISH/s | ratio | redis µs CPU/PUBLISH | spindle µs CPU/PUBLISH |"
echo "|---|---|---|---|---|---|---|---|"
for S in $SUBS; do
  for P in $PIPES; do
    # About the same run length everywhere: pipelining is faster, 100 subscribers slower.
    n=$(awk -v n="$N" -v p="$P" -v s="$S" 'BEGIN{m=n; if(p>1)m*=4; if(s>=100)m/=4; print int(m)}')
    rr=(); rc=(); sr=(); sc=()
    for _ in $(seq 1 "$REPS"); do
      sink $RPORT "$S"; read -r a b < <(run $RPID $RPORT "$S" "$P" "$n"); rr+=("$a"); rc+=("$b"); stop_sink
      sink $SPORT "$S"; read -r a b < <(run $SPID $SPORT "$S" "$P" "$n"); sr+=("$a"); sc+=("$b"); stop_sink
    done
    r=$(med "${rr[@]}"); s=$(med "${sr[@]}")
    awk -v S="$S" -v P="$P" -v n="$n" -v r="$r" -v s="$s" -v x="$(med "${rc[@]}")" -v y="$(med "${sc[@]}")" \
      'BEGIN{printf "| %s | %s | %d | %.0f | %.0f | %.2f | %.2f | %.2f |\n", S, P, n, r, s, (r>0)?s/r:0, x, y}'
  done
done
