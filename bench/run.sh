#!/usr/bin/env bash
# The default benchmark set (`make bench`), a few minutes on a small machine:
#   1. scribe-baseline: RocksDB synced WriteBatches with Scribe's keys and bytes, simdjson,
#      Scribe's in-process parse+validate+prepare;
#   2. a fresh store: `scribe serve` on 127.0.0.1 (port 0, --port-file), ingest batches of
#      1/10/100/1000, then single-statement POSTs at 64 connections; server stopped by PID;
#   3. a preloaded store: `scribe import` of BENCH_STATEMENTS generated statements, then the
#      query set (filters, combinations, since/until, paging to the end) and a mixed 80/20 run.
# Everything talks to 127.0.0.1 only and every step is bounded by time and request count.
# Larger runs: make bench BENCH_STATEMENTS=10000000 BENCH_DURATION=30
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
STATEMENTS=${BENCH_STATEMENTS:-200000}          # preloaded store for the query set
DURATION=${BENCH_DURATION:-10}                  # seconds per load step
QUERY_DURATION=${BENCH_QUERY_DURATION:-5}       # seconds per query kind
BASELINE_STATEMENTS=${BENCH_BASELINE_STATEMENTS:-50000}
INGEST_CONNECTIONS=${BENCH_INGEST_CONNECTIONS:-4}
QUERY_CONNECTIONS=${BENCH_QUERY_CONNECTIONS:-4}
REQUESTS_MAX=${BENCH_REQUESTS_MAX:-2000000}     # upper bound per step, whatever the duration
OUT=${BENCH_OUT:-$BUILD_DIR/bench-results/$(date +%Y%m%d-%H%M%S)}
SCRATCH=$(mktemp -d "${BENCH_TMP:-/tmp}/scribe-bench.XXXXXX")

SCRIBE=$BUILD_DIR/scribe
BENCH=$BUILD_DIR/bench/scribe-bench
BASELINE=$BUILD_DIR/bench/scribe-baseline
for b in "$SCRIBE" "$BENCH" "$BASELINE"; do
  [[ -x $b ]] || { echo "missing $b: build first (make build)" >&2; exit 1; }
done
mkdir -p "$OUT"

SERVER_PID=
stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
cleanup() {
  stop_server
  # The throwaway stores' bootstrap credentials need not outlive them.
  [[ -f $OUT/server.log ]] && sed -i -E 's/^( +(key|secret): ).*/\1(redacted)/' "$OUT/server.log"
  [[ ${BENCH_KEEP:-0} == 1 ]] || rm -rf "$SCRATCH"
}
trap cleanup EXIT

# start_server DATA_DIR: serve on an ephemeral loopback port; sets PORT_FILE and CRED_FILE.
start_server() {
  local data=$1
  PORT_FILE=$SCRATCH/port
  CRED_FILE=$data/bootstrap-credential.txt
  rm -f "$PORT_FILE"
  "$SCRIBE" serve --server.host=127.0.0.1 --server.port=0 --port-file "$PORT_FILE" \
    --storage.data_dir="$data" >>"$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    [[ -s $PORT_FILE ]] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "scribe serve exited; see $OUT/server.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "scribe serve did not start within 30 s" >&2
  exit 1
}

# wait_idle: after an import the server still compacts in the background for a while (minutes
# on a 10M store); queries are measured once it has used < 3% of a core for 2 s (at most 10 min).
wait_idle() {
  local clk before after
  clk=$(getconf CLK_TCK)
  for _ in $(seq 1 300); do
    [[ -r /proc/$SERVER_PID/stat ]] || return 0  # gone: the next step reports it
    before=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
    sleep 2
    [[ -r /proc/$SERVER_PID/stat ]] || return 0
    after=$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")
    (((after - before) * 100 < 2 * clk * 3)) && return 0
  done
  echo "(the server was still busy after 10 minutes; measuring anyway)"
}

# bench NAME ARGS...: one scribe-bench run against the running server.
bench() {
  local name=$1
  shift
  echo "+ scribe-bench $*" | tee -a "$OUT/commands.txt"
  "$BENCH" --host 127.0.0.1 --port-file "$PORT_FILE" --credential-file "$CRED_FILE" \
    --requests "$REQUESTS_MAX" --json "$OUT/$name.json" "$@" | tee "$OUT/$name.txt" ||
    echo "(scribe-bench $name reported failed requests: see $OUT/$name.txt)"
}

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "disk: $(df -h "$SCRATCH" | awk 'NR==2 {print $1" "$2" ("$5" used)"}')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt"

echo "== 1. baseline"
echo "+ scribe-baseline --statements $BASELINE_STATEMENTS --batches 1,10,100,1000 --batch1-max 2000" >>"$OUT/commands.txt"
"$BASELINE" --statements "$BASELINE_STATEMENTS" --batches 1,10,100,1000 --batch1-max 2000 \
  --dir "$SCRATCH" --json "$OUT/baseline.json" | tee "$OUT/baseline.txt"

echo "== 2. ingest into a fresh store"
start_server "$SCRATCH/ingest"
start=0
for batch in 1 10 100 1000; do
  PERF_PID=
  # BENCH_PERF=1: sample the server (cpu-clock, call graphs) during the batch-100 step.
  if [[ ${BENCH_PERF:-0} == 1 && $batch == 100 ]] && command -v perf >/dev/null; then
    perf record -q -e cpu-clock -g -p "$SERVER_PID" -o "$OUT/perf-ingest-100.data" \
      -- sleep "$DURATION" 2>>"$OUT/perf.log" &
    PERF_PID=$!
  fi
  bench "ingest-$batch" --scenario ingest --batch "$batch" --connections "$INGEST_CONNECTIONS" \
    --label "$INGEST_CONNECTIONS connections:" \
    --duration "$DURATION" --start "$start"
  if [[ -n $PERF_PID ]]; then
    wait "$PERF_PID" || true
    perf report -i "$OUT/perf-ingest-100.data" --no-children --sort symbol --stdio -g none \
      2>/dev/null | grep -E '^ +[0-9]' | head -40 >"$OUT/perf-ingest-100.txt" || true
  fi
  start=$((start + 100000000))
done
# More writers in flight: bigger commit groups, and IO threads busy while others wait on fsync.
bench "ingest-100-16" --scenario ingest --batch 100 --connections 16 --label "16 connections:" \
  --duration "$DURATION" --start "$start"
start=$((start + 100000000))
bench "post-64" --scenario ingest --batch 1 --connections 64 --duration "$DURATION" --start "$start" \
  --label "64 connections:"
stop_server

echo "== 3. preloaded store ($STATEMENTS statements)"
"$BENCH" --scenario generate --count "$STATEMENTS" --out "$SCRATCH/preload.ndjson"
echo "+ scribe import --storage.data_dir=DIR preload.ndjson ($STATEMENTS statements)" >>"$OUT/commands.txt"
"$SCRIBE" import --storage.data_dir="$SCRATCH/query" "$SCRATCH/preload.ndjson" 2>&1 |
  grep -v -E '^ +(key|secret):' | tee "$OUT/import.txt"
rm -f "$SCRATCH/preload.ndjson"
start_server "$SCRATCH/query"
wait_idle
bench "query" --scenario query --preloaded "$STATEMENTS" --connections "$QUERY_CONNECTIONS" \
  --duration "$QUERY_DURATION" \
  --queries agent,verb,activity,registration,related_agents,related_activities,since_until,agent_verb,verb_registration,activity_since
# Latency without queueing: one client, so each figure is the server's own time per page.
bench "query-1" --scenario query --preloaded "$STATEMENTS" --connections 1 \
  --duration "$QUERY_DURATION" --label "1 connection:" --queries agent,verb,activity,registration
bench "paging" --scenario query --preloaded "$STATEMENTS" --connections "$QUERY_CONNECTIONS" \
  --duration "$DURATION" --queries paging,paging_all
bench "mixed" --scenario mixed --preloaded "$STATEMENTS" --connections 16 --read-percent 80 \
  --batch 1 --duration "$DURATION" --start 900000000
stop_server

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
echo "results in $OUT"
