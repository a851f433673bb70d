# Sourced by the benchmarks that run on a preloaded store (evidence.sh, erasure.sh): a scratch
# folder, a store made with `scribe import` of generated statements, and a server over it on a
# loopback port. Whatever runs is stopped on exit: the server by its PID (TERM, then KILL after
# 10 s) and HELPER_PID (a load or a sampler a script starts); the folder is removed.
# Sets ROOT, BUILD, S (the folder); serve_store sets PID, URL, KEY and SECRET.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$ROOT/build}
PID=
HELPER_PID=
preloaded_store_cleanup() {
  [[ -n $HELPER_PID ]] && kill "$HELPER_PID" 2>/dev/null || true
  if [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null || true
  fi
  rm -rf "$S"
}

# preloaded_store NAME: the scratch folder /tmp/scribe-NAME-bench.XXXXXX, and the machine line.
preloaded_store() {
  S=$(mktemp -d "/tmp/scribe-$1-bench.XXXXXX")
  trap preloaded_store_cleanup EXIT
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load $(cut -d' ' -f1 /proc/loadavg)"
}

# import_generated N [GENERATE_ARGS...]: N generated statements imported into $S/data; prints
# the import's seconds.
import_generated() {
  local n=$1
  shift
  "$BUILD/bench/scribe-bench" --scenario generate --count "$n" "$@" --out "$S/statements.ndjson" >/dev/null
  local t0 t1
  t0=$(date +%s.%N)
  "$BUILD/scribe" import --storage.data_dir="$S/data" "$S/statements.ndjson" >"$S/import.log" 2>&1
  t1=$(date +%s.%N)
  rm -f "$S/statements.ndjson"
  echo "$t1 - $t0" | bc
}

# serve_store: the server over $S/data, once it answers on its port; then start-up compactions
# are given 3 s to settle.
serve_store() {
  "$BUILD/scribe" serve --server.host=127.0.0.1 --server.port=0 --port-file "$S/port" \
    --storage.data_dir="$S/data" >"$S/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 600); do [[ -s $S/port ]] && break; sleep 0.05; done
  [[ -s $S/port ]] || { echo "scribe did not start" >&2; cat "$S/server.log" >&2; exit 1; }
  URL="http://127.0.0.1:$(cat "$S/port")/xapi"
  KEY=$(sed -n 's/^key=//p' "$S/data/bootstrap-credential.txt")
  SECRET=$(sed -n 's/^secret=//p' "$S/data/bootstrap-credential.txt")
  sleep 3
}
