#!/usr/bin/env bash
# Erasure benchmark (issue 13): erasing one learner with ~STATEMENTS/LEARNERS statements from a
# store of STATEMENTS, while ingest keeps running. Prints the dry run's and the erasure's time,
# what ingest did meanwhile (its errors must be 0) and that nothing of the learner is found after.
# The store is made with `scribe import` of generated statements (learner 1 is mailto:learner1@…).
# usage: bench/erasure.sh [STATEMENTS (1000000)] [LEARNERS (120: learner 1 is in ~1% of them, ~10k of 1M)]
# Loopback only; the server is stopped by its PID; every step is bounded (curl --max-time,
# scribe-bench --duration).
set -euo pipefail
N=${1:-1000000}
L=${2:-120}
source "$(dirname "$0")/preloaded_store.sh"
preloaded_store erasure
import_generated "$N" --learners "$L" >/dev/null
echo "imported $N statements of $L learners"
serve_store
AGENT='{"mbox":"mailto:learner1@example.org"}'
count() {  # statements naming the learner stored up to $1 (the ingest below names it too)
  curl -s -u "$KEY:$SECRET" --max-time 120 -H 'X-Experience-API-Version: 2.0.0' -G "$URL/statements" \
    --data-urlencode "agent=$AGENT" --data-urlencode related_agents=true --data-urlencode limit=0 \
    --data-urlencode "until=$1" \
    | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["statements"]))'
}
echo "statements found by agent=learner1&related_agents=true (first page, limit=0): $(count "$(date -u +%FT%T.%6NZ)")"

# Ingest at batch 100 from 4 connections for 30 s, new ids past the imported ones.
"$BUILD/bench/scribe-bench" --scenario ingest --batch 100 --connections 4 --host 127.0.0.1 \
  --port-file "$S/port" --credential-file "$S/data/bootstrap-credential.txt" --duration 30 \
  --requests 50000000 --start $((N + 1000000)) --learners "$L" >"$S/ingest.log" 2>&1 &
HELPER_PID=$!
sleep 8
erase() {
  curl -s -u "$KEY:$SECRET" --max-time 300 -o "$S/erase.json" -w '%{http_code} %{time_total}\n' \
    -H 'Content-Type: application/json' -d "{\"agent\":$AGENT,\"reason\":\"benchmark\"}" \
    "${URL%/xapi}/admin/stores/default/erasures$1"
}
read -r code secs < <(erase "?dry_run=true")
echo "dry run: HTTP $code in $secs s: $(cat "$S/erase.json")"
BEFORE=$(date -u +%FT%T.%6NZ)
read -r code secs < <(erase "")
echo "erasure: HTTP $code in $secs s: $(cat "$S/erase.json")"
wait "$HELPER_PID"; HELPER_PID=
echo "ingest meanwhile (30 s, batch 100, 4 connections):"
grep -E "^(scenario|ingest)" "$S/ingest.log" | sed 's/^/  /'
grep "scribe: erasure" "$S/server.log" || true
echo "statements stored before the erasure found by agent=learner1&related_agents=true after it: $(count "$BEFORE")"
