#!/usr/bin/env bash
# Evidence benchmarks on a preloaded store (issue 12): GET /evidence/export with a proof per
# statement (statements/s, and the server's RSS before and at most during the stream),
# `scribe verify` of that file, and POST /reports/completion for a roster of LEARNERS over it
# (JSON and NDJSON with proofs). The store is made with `scribe import` of generated statements.
# usage: bench/evidence.sh [STATEMENTS (1000000)] [LEARNERS (10000)]
# Loopback only; the server is stopped by its PID; every step is bounded by curl's --max-time.
set -euo pipefail
N=${1:-1000000}
L=${2:-10000}
source "$(dirname "$0")/preloaded_store.sh"
preloaded_store evidence
echo "import of $N statements (log on): $(import_generated "$N") s"
serve_store
rss() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }
echo "server RSS before the export: $(rss) kB"
# Two exports back to back: the first fills RocksDB's block cache (storage.block_cache_bytes),
# the second shows the stream itself keeps nothing: flat means it does not grow past the first.
for pass in 1 2; do
  rm -f "$S/rss"
  ( while kill -0 "$PID" 2>/dev/null; do rss >>"$S/rss"; sleep 0.2; done ) &
  HELPER_PID=$!
  read -r secs bytes < <(curl -s -u "$KEY:$SECRET" --max-time 600 -o "$S/export.ndjson" \
    -w '%{time_total} %{size_download}\n' "$URL/evidence/export")
  kill "$HELPER_PID"; HELPER_PID=
  lines=$(wc -l <"$S/export.ndjson")
  echo "export $pass: $((lines - 2)) statements, $bytes bytes in $secs s = $(echo "($lines - 2) / $secs" | bc) statements/s"
  n=$(wc -l <"$S/rss")
  echo "  server RSS, kB, at 10/25/50/75/100% of the stream: $(for p in 10 25 50 75 100; do
    sed -n "$(( (n * p + 99) / 100 ))p" "$S/rss"; done | tr '\n' ' ')(max $(sort -n "$S/rss" | tail -1))"
done

curl -s -u "$KEY:$SECRET" "$URL/evidence/key" >"$S/key.txt"
t0=$(date +%s.%N)
"$BUILD/scribe-verify" "$S/export.ndjson" --key "$S/key.txt" | head -1
t1=$(date +%s.%N)
echo "scribe-verify: $(echo "$t1 - $t0" | bc) s"
rm -f "$S/export.ndjson"

{
  echo "mbox,account_homepage,account_name"
  for ((i = 0; i < L; i++)); do
    if ((i % 3 == 0)); then echo ",https://lms.example.com,u$i"; else echo "mailto:learner$i@example.org,,"; fi
  done
} >"$S/roster.csv"
Q="activity=https://courses.example.com/c/0&related_activities=true"
for format in json ndjson; do
  read -r secs bytes < <(curl -s -u "$KEY:$SECRET" --max-time 600 -H 'Content-Type: text/csv' \
    --data-binary @"$S/roster.csv" -o "$S/report.$format" -w '%{time_total} %{size_download}\n' \
    "$URL/reports/completion?$Q&format=$format")
  echo "completion report ($format), $L learners, course 0 with related activities: $secs s, $bytes bytes;" \
    "done $(grep -o '"status":"done"' "$S/report.$format" | wc -l), attempted $(grep -o '"status":"attempted"' "$S/report.$format" | wc -l)," \
    "not started $(grep -o '"status":"not_started"' "$S/report.$format" | wc -l)"
done
"$BUILD/scribe-verify" "$S/report.ndjson" --key "$S/key.txt" | head -1
