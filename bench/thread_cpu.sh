#!/usr/bin/env bash
# Per-thread CPU of a scribe server under one scribe-bench ingest load.
# usage: bench/thread_cpu.sh SCRIBE BATCH CONNECTIONS [SECONDS]. Loopback only; stopped by PID.
# RATE=R: an open-loop load of R requests/s (see bench/cpu_split.sh).
set -euo pipefail
BIN=$1; BATCH=$2; CONN=$3; DUR=${4:-8}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BUILD_DIR:-$ROOT/build}/bench/scribe-bench
S=$(mktemp -d /tmp/thr.XXXXXX)
"$BIN" serve --server.host=127.0.0.1 --server.port=0 --port-file "$S/port" --storage.data_dir="$S/data" ${EXTRA:-} >"$S/log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf $S' EXIT
for _ in $(seq 1 300); do [[ -s $S/port ]] && break; sleep 0.05; done
snap() { for t in /proc/$PID/task/*; do echo "$(cat $t/comm) $(awk '{print $14+$15}' $t/stat)"; done | awk '{a[$1]+=$2} END {for (k in a) print k, a[k]}' | sort; }
"$BENCH" --scenario ingest --batch "$BATCH" --connections "$CONN" --host 127.0.0.1 --port-file "$S/port" --credential-file "$S/data/bootstrap-credential.txt" --duration "$DUR" --requests 50000000 --pregenerate-mb 256 ${RATE:+--rate "$RATE"} >"$S/b" 2>&1 &
BP=$!
sleep 1.5
snap > "$S/s0"; T0=$(date +%s.%N)
sleep $((DUR - 3))
snap > "$S/s1"; T1=$(date +%s.%N)
wait $BP
grep -E "ingest" "$S/b" | tail -1
join "$S/s0" "$S/s1" | awk -v dt="$(echo "$T1 - $T0" | bc)" '{printf "%-16s %5.1f%%\n", $1, ($3-$2)/dt}' | sort -k2 -n -r
