#!/usr/bin/env bash
# vs-redis-types.sh: redis-benchmark's data-type tests against a RESP server and redis-server,
# the method of ../shared/tools/vs-redis.sh (servers on CPU 0, redis-benchmark on CPU 1,
# alternating runs, medians, CPU per request from /proc/<pid>/stat), with what these tests need
# so that both servers do the same work:
#
#   - state kept equal: the calibration run (which sizes -n to last --seconds) goes to both
#     servers, not to Redis only, so both sets/hashes/zsets hold the same members;
#   - rpop never meets an empty list: before every timed RPOP run, each server's mylist is
#     topped up (untimed) to at least 1.2 x the run's requests with an LPUSH run;
#   - lrange_100 is timed alone: redis-benchmark's -t lrange_100 runs an LPUSH step of the same
#     -n first, inside the measured CPU; here mylist is filled (untimed) to >= 100 and the timed
#     run is the custom command `LRANGE mylist 0 99` (the same command lrange_100 sends);
#   - after each test the sizes of mylist/myset/myhash/myzset on both servers are printed, and
#     a run whose server-side call count (INFO commandstats) is short of -n is reported.
#
#   native-free-bench/vs-redis-types.sh [options] -- SERVER COMMAND ... {port} ...
#
# options: --tests lpush,rpop,sadd,hset,zadd,lrange_100  --pipes "16"  --reps 3  --clients 50
#          --seconds 3  --random 1000000 (redis-benchmark -r; '' for none)  --redis-args "..."
# redis-benchmark's keys (7.0): LPUSH mylist <3 B>, RPOP mylist, SADD myset element:__rand_int__,
# HSET myhash element:__rand_int__ <3 B>, ZADD myzset <score> element:__rand_int__ (score
# __rand_int__ with -r, else 0), LRANGE mylist 0 99. Without -r, __rand_int__ stays literal:
# SADD/HSET/ZADD then update one member over and over.
set -u
TESTS=lpush,rpop,sadd,hset,zadd,lrange_100 PIPES="16" REPS=3 CLIENTS=50 SECS=3 RANDOM_KEYS=1000000 RARGS=""
while [ $# -gt 0 ]; do
  case $1 in
    --tests) TESTS=$2; shift 2;; --pipes) PIPES=$2; shift 2;; --reps) REPS=$2; shift 2;;
    --clients) CLIENTS=$2; shift 2;; --seconds) SECS=$2; shift 2;; --random) RANDOM_KEYS=$2; shift 2;;
    --redis-args) RARGS=$2; shift 2;; --) shift; break;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[ $# -gt 0 ] || { echo "usage: $0 [options] -- SERVER COMMAND with {port}" >&2; exit 2; }
for t in redis-server redis-benchmark redis-cli taskset python3; do command -v $t >/dev/null || { echo "missing $t" >&2; exit 2; }; done
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
RPORT=$(free_port); SPORT=$(free_port)
LOG=$(mktemp -d /tmp/vs-redis-types.XXXXXX)
args=(); for a in "$@"; do args+=("${a//\{port\}/$SPORT}"); done
taskset -c 0 redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no $RARGS >"$LOG/redis.log" 2>&1 & RPID=$!
taskset -c 0 "${args[@]}" >"$LOG/server.log" 2>&1 & SPID=$!
cleanup() { kill $RPID $SPID 2>/dev/null; wait $RPID $SPID 2>/dev/null; rm -rf "$LOG"; }
trap cleanup EXIT
up() { for _ in $(seq 1 100); do redis-cli -p "$1" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done; return 1; }
up "$RPORT" || { echo "redis-server did not start" >&2; exit 1; }
up "$SPORT" || { echo "server did not answer PING on $SPORT; its log:" >&2; tail -5 "$LOG/server.log" >&2; exit 1; }
taskset -acp 0 $SPID >/dev/null 2>&1   # threads started after launch
HZ=$(getconf CLK_TCK)
ticks() { sed 's/^.*) //' /proc/$1/stat | awk '{print $12+$13}'; }
rb() { # port P test n -> rps (of the last CSV line)
  local r=""; [ -n "$RANDOM_KEYS" ] && r="-r $RANDOM_KEYS"
  local what=(-t "$3"); [ "$3" = lrange_100 ] && what=(LRANGE mylist 0 99)
  timeout 300 taskset -c 1 redis-benchmark -h 127.0.0.1 -p "$1" -c "$CLIENTS" -P "$2" -n "$4" $r --csv "${what[@]}" 2>/dev/null | tail -1 | tr -d '"' | cut -d, -f2
}
llen() { redis-cli -p "$1" llen mylist 2>/dev/null | tr -dc 0-9; }
fill() { # port at_least: LPUSH (untimed) until mylist has at least that many elements
  local have; have=$(llen "$1"); have=${have:-0}
  [ "$have" -ge "$2" ] && return 0
  taskset -c 1 redis-benchmark -h 127.0.0.1 -p "$1" -c "$CLIENTS" -P 64 -n $(( $2 - have )) -t lpush -q >/dev/null 2>&1
}
prepare() { # port test n
  case $2 in rpop) fill "$1" $(( $3 * 12 / 10 ));; lrange_100) fill "$1" 1000;; esac
}
calls() { # port test -> calls of the test's command so far (INFO commandstats)
  local c; c=$(case $2 in lrange_100) echo lrange;; *) echo "$2";; esac)
  redis-cli -p "$1" info commandstats 2>/dev/null | tr -d '\r' | sed -n "s/^cmdstat_$c:calls=\([0-9]*\).*/\1/p"
}
one() { # pid port P test n -> "rps cpu_us_per_req calls_served"
  local c0 c1 rps k0 k1; prepare "$2" "$4" "$5"; k0=$(calls $2 $4); c0=$(ticks $1); rps=$(rb $2 $3 $4 $5); c1=$(ticks $1); k1=$(calls $2 $4)
  awk -v r="$rps" -v a="$c0" -v b="$c1" -v hz="$HZ" -v n="$5" -v k="$(( ${k1:-0} - ${k0:-0} ))" 'BEGIN{printf "%s %.3f %d\n", r, (b-a)/hz*1e6/n, k}'
}
sizes() { # port -> "llen/scard/hlen/zcard"
  local p=$1; echo "$(llen $p)/$(redis-cli -p $p scard myset | tr -dc 0-9)/$(redis-cli -p $p hlen myhash | tr -dc 0-9)/$(redis-cli -p $p zcard myzset | tr -dc 0-9)"
}
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
echo "| test | P | redis ops/s | server ops/s | ratio | redis µs CPU/req | server µs CPU/req | CPU ratio | sizes after (redis; server) |"
echo "|---|---|---|---|---|---|---|---|---|"
for P in $PIPES; do
  for T in ${TESTS//,/ }; do
    c=$([ "$P" = 1 ] && echo 50000 || echo 500000)
    prepare $RPORT $T $c; cal=$(rb $RPORT $P $T $c)
    prepare $SPORT $T $c; rb $SPORT $P $T $c >/dev/null
    n=$(awk -v r="${cal:-100000}" -v s="$SECS" 'BEGIN{n=int(r*s/1000+1)*1000; if(n<10000)n=10000; print n}')
    rr=(); rc=(); sr=(); sc=(); short=""
    for _ in $(seq 1 "$REPS"); do
      read -r a b k < <(one $RPID $RPORT $P $T $n); rr+=("$a"); rc+=("$b"); [ "$k" -lt "$n" ] && short="$short redis served $k of $n;"
      read -r a b k < <(one $SPID $SPORT $P $T $n); sr+=("$a"); sc+=("$b"); [ "$k" -lt "$n" ] && short="$short server served $k of $n;"
    done
    R=$(med "${rr[@]}"); S=$(med "${sr[@]}"); RC=$(med "${rc[@]}"); SC=$(med "${sc[@]}")
    awk -v t=$T -v p=$P -v R="$R" -v S="$S" -v RC="$RC" -v SC="$SC" -v z="$(sizes $RPORT); $(sizes $SPORT)" \
      'BEGIN{printf "| %s | %s | %.0f | %.0f | %.2f | %.3f | %.3f | %.2f | %s |\n", t,p,R,S,(R>0?S/R:0),RC,SC,(RC>0?SC/RC:0),z}'
    [ -n "$short" ] && echo "⚠ $T P=$P: a run was cut short (commandstats):$short" >&2
  done
done
echo
echo "settings: redis-benchmark -c $CLIENTS, ${REPS} alternating runs of ~${SECS}s each, median; ${RANDOM_KEYS:+-r $RANDOM_KEYS; }calibration run on both servers; rpop on a list topped up before each run; lrange_100 timed as LRANGE mylist 0 99 alone; servers on CPU 0, client on CPU 1; $(redis-server --version | cut -d' ' -f3)"
