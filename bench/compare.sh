#!/usr/bin/env bash
# Back-to-back comparison of two or more scribe binaries on this machine: for each round and
# each binary in turn, a fresh store, ingest at batch 100 (4 connections), single-statement
# POSTs (64 connections) and agent-filtered GETs (4 connections), each for DURATION seconds.
# Alternating the binaries within a round keeps a slowly changing machine from favouring one.
# usage: bench/compare.sh [-r ROUNDS] [-d SECONDS] SCRIBE_A SCRIBE_B ...
# scribe-bench comes from BUILD_DIR (default build/). Loopback only; servers stopped by PID.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BUILD_DIR:-$ROOT/build}/bench/scribe-bench
ROUNDS=2
DURATION=8
while getopts "r:d:" o; do
  case $o in r) ROUNDS=$OPTARG ;; d) DURATION=$OPTARG ;; *) exit 2 ;; esac
done
shift $((OPTIND - 1))
[[ $# -ge 2 ]] || { sed -n 2,7p "$0"; exit 2; }
[[ -x $BENCH ]] || { echo "missing $BENCH: build first" >&2; exit 1; }
SCRATCH=$(mktemp -d /tmp/scribe-compare.XXXXXX)
PID=
stop() {
  if [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$PID" 2>/dev/null && kill -KILL "$PID"
    wait "$PID" 2>/dev/null || true
  fi
  PID=
}
trap 'stop; rm -rf "$SCRATCH"' EXIT

# From the result row scribe-bench printed (columns counted from the end): statements/s,
# requests/s, p99 ms.
row() { grep -E "^$2" "$1" | tail -1; }
stmts() { row "$1" "$2" | awk '{print $(NF-7) " statements/s"}'; }
reqs() { row "$1" "$2" | awk '{print $(NF-8) " requests/s"}'; }
p99() { row "$1" "$2" | awk '{print "p99 " $(NF-3) " ms"}'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load $(cut -d' ' -f1 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  for bin in "$@"; do
    data=$SCRATCH/data-$round-$RANDOM
    rm -f "$SCRATCH/port"
    "$bin" serve --server.host=127.0.0.1 --server.port=0 --port-file "$SCRATCH/port" \
      --storage.data_dir="$data" >"$SCRATCH/server.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 300); do [[ -s $SCRATCH/port ]] && break; sleep 0.05; done
    [[ -s $SCRATCH/port ]] || { echo "$bin did not start" >&2; cat "$SCRATCH/server.log" >&2; exit 1; }
    common=(--host 127.0.0.1 --port-file "$SCRATCH/port" --credential-file "$data/bootstrap-credential.txt"
            --duration "$DURATION" --requests 5000000 --pregenerate-mb 256)
    "$BENCH" --scenario ingest --batch 100 --connections 4 "${common[@]}" >"$SCRATCH/b100" 2>&1
    "$BENCH" --scenario ingest --batch 1 --connections 64 --start 10000000 "${common[@]}" >"$SCRATCH/b1" 2>&1
    "$BENCH" --scenario query --queries agent --preloaded 10000 --connections 4 "${common[@]}" >"$SCRATCH/get" 2>&1
    echo "round $round $bin: batch 100 $(stmts "$SCRATCH/b100" ingest) | single POSTs $(reqs "$SCRATCH/b1" ingest), $(p99 "$SCRATCH/b1" ingest) | agent GETs $(reqs "$SCRATCH/get" query), $(p99 "$SCRATCH/get" query)"
    stop
  done
done
