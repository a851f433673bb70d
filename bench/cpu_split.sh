#!/usr/bin/env bash
# CPU of the server and of the load generator (scribe-bench) under one ingest load, in % of one
# core. usage: bench/cpu_split.sh SCRIBE BATCH CONNECTIONS [SECONDS]. Loopback only; the server is
# stopped by its PID. RATE=R makes the load open-loop at R requests/s: below saturation the CPU
# per statement is not inflated by the two sides competing for the cores.
set -euo pipefail
BIN=$1; BATCH=$2; CONN=$3; DUR=${4:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BUILD_DIR:-$ROOT/build}/bench/scribe-bench
S=$(mktemp -d /tmp/cc.XXXXXX)
"$BIN" serve --server.host=127.0.0.1 --server.port=0 --port-file "$S/port" --storage.data_dir="$S/data" >"$S/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf $S' EXIT
for _ in $(seq 1 300); do [[ -s $S/port ]] && break; sleep 0.05; done
"$BENCH" --scenario ingest --batch "$BATCH" --connections "$CONN" --host 127.0.0.1 --port-file "$S/port" --credential-file "$S/data/bootstrap-credential.txt" --duration "$DUR" --requests 50000000 --pregenerate-mb 256 ${RATE:+--rate "$RATE"} >"$S/b" 2>&1 &
BP=$!
# the generator pre-builds its bodies before the clock starts: wait until the server works
for _ in $(seq 1 600); do [[ $(awk '{print $14+$15}' /proc/$PID/stat) -gt 50 ]] && break; sleep 0.1; done
sleep 1
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
s0=$(cpu $PID); c0=$(cpu $BP); n0=$(date +%s.%N)
sleep $((DUR - 3))
s1=$(cpu $PID); c1=$(cpu $BP); n1=$(date +%s.%N)
wait $BP
line=$(grep -E "^ingest" "$S/b" | tail -1); echo "$line"
rate=$(echo "$line" | awk "{print \$6}")
dt=$(echo "$n1 - $n0" | bc)
echo "server $(echo "scale=1; ($s1-$s0)/$dt" | bc)% client $(echo "scale=1; ($c1-$c0)/$dt" | bc)% (of one core; 2 cores = 200%)"
echo "per statement at $rate/s: server $(echo "scale=10; ($s1-$s0)/100/$dt/$rate*1000000" | bc) us, client $(echo "scale=10; ($c1-$c0)/100/$dt/$rate*1000000" | bc) us"
