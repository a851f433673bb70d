#!/usr/bin/env python3
"""Kill -9 during a learner's erasure (POST /admin/stores/default/erasures).

Each round starts `scribe serve` on a fresh data directory, stores statements of a learner to
erase and of others (batches over HTTP), asks for the erasure and SIGKILLs the server at a
random moment of it (before, during or after its batch, during its flush and compaction),
restarts the server on the same directory and checks:

  * the erasure is atomic: the learner's statements are either all there (nothing was done) or
    all gone, and the others' statements are all there;
  * when gone, the audit trail records the erasure (exactly once); a marker left by the kill is
    finished at the start (the server says so), and the proof of an erased statement answers
    410 with its kept leaf hash;
  * when not done, asking again erases them all;
  * the evidence log is consistent: the checkpoint read before the erasure is the same tree
    prefix after (an erasure never changes the tree).

Standard library only; it reuses crash_test.py's server and client. All traffic goes to
127.0.0.1; every loop is bounded; servers are stopped by PID.
"""

import argparse
import http.client
import json
import urllib.parse
import os
import random
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crash_test import HOST, Client, Server, log, read_credential, release_work_dir, run_rounds  # noqa: E402

VICTIM = "mailto:erase-me@example.com"


def statement(rng, mbox, n):
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "actor": {"objectType": "Agent", "mbox": mbox},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
        "object": {"objectType": "Activity", "id": f"http://example.com/erasure/{n}"},
    }


def admin(port, auth, method, path, body=None, timeout=60.0):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Authorization": "Basic " + auth, "Content-Type": "application/json"}
        conn.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def present(client, ids):
    """How many of `ids` GET by statementId finds."""
    found = 0
    for sid in ids:
        status, _ = client.request("GET", f"/statements?statementId={sid}")
        if status == 200:
            found += 1
        elif status != 404:
            raise RuntimeError(f"GET {sid} answered {status}")
    return found


def erasures_in_trail(port, auth):
    status, body = admin(port, auth, "GET", "/admin/stores/default/audit")
    if status != 200:
        raise RuntimeError(f"audit trail answered {status}: {body[:200]!r}")
    return sum(1 for e in json.loads(body)["entries"] if e["entry"]["action"] == "erasure")


def checkpoint_size_root(client):
    status, body = client.request("GET", "/evidence/checkpoint")
    if status != 200:
        raise RuntimeError(f"checkpoint answered {status}")
    lines = body.decode().split("\n")
    return int(lines[1]), lines[2]


def run_round(round_no, rng, binary, work_dir, args, outcomes):
    failures = []
    data_dir = os.path.join(work_dir, f"data-{round_no}")
    os.makedirs(data_dir)
    extra = ["--storage.compression_dictionary_bytes=0"]
    server = Server(binary, data_dir, work_dir, f"{round_no}a", extra)
    server.start()
    auth = read_credential(data_dir)
    client = Client(server.port, auth)
    victim_ids, other_ids = [], []
    n = 0
    for _ in range(args.batches):
        batch = []
        for _ in range(100):
            n += 1
            s = statement(rng, VICTIM if rng.random() < 0.3 else f"mailto:keep-{n % 7}@example.com", n)
            if victim_ids and s["actor"]["mbox"] != VICTIM and rng.random() < 0.1:
                # Another's statement that refers to one of the learner's: it inherits its terms.
                s["object"] = {"objectType": "StatementRef", "id": rng.choice(victim_ids)}
            (victim_ids if s["actor"]["mbox"] == VICTIM else other_ids).append(s["id"])
            batch.append(s)
        status, body = client.request("POST", "/statements", batch)
        if status != 200:
            server.kill9()
            return [f"a batch answered {status}: {body[:200]!r}"]
    # A checkpoint covering every statement (a proof signs one), read before the erasure.
    client.request("GET", f"/evidence/proof?statementId={other_ids[-1]}")
    size_before, root_before = checkpoint_size_root(client)

    answered = {}

    def erase():
        try:
            answered["status"], _ = admin(server.port, auth, "POST", "/admin/stores/default/erasures",
                                          {"agent": {"mbox": VICTIM}, "reason": "crash test"})
        except Exception as e:  # the kill cuts the connection
            answered["error"] = type(e).__name__

    t = threading.Thread(target=erase, daemon=True)
    t.start()
    time.sleep(rng.uniform(0.0, args.max_kill_delay))
    server.kill9()
    t.join(timeout=30)
    client.close()

    server2 = Server(binary, data_dir, work_dir, f"{round_no}b", extra)
    server2.start()
    try:
        client = Client(server2.port, auth)
        victims = present(client, victim_ids)
        others = present(client, other_ids)
        resumed = "interrupted erasure" in server2.log_tail(200)
        trail = erasures_in_trail(server2.port, auth)
        if others != len(other_ids):
            failures.append(f"only {others} of {len(other_ids)} other statements are there")
        if victims not in (0, len(victim_ids)):
            failures.append(f"{victims} of {len(victim_ids)} of the learner's statements are there: a part was erased")
        if victims == 0:
            outcome = "resumed" if resumed else "done"
            # Nothing is found by the learner any more, not even through the referrers.
            agent = urllib.parse.quote(json.dumps({"mbox": VICTIM}))
            status, body = client.request("GET", f"/statements?agent={agent}&related_agents=true")
            if status != 200 or json.loads(body)["statements"]:
                failures.append(f"a query by the erased learner answered {status} with statements")
            if trail != 1:
                failures.append(f"the erasure is done but the audit trail records {trail} erasures")
            status, body = client.request("GET", f"/evidence/proof?statementId={victim_ids[0]}")
            if status != 410 or not json.loads(body).get("erased"):
                failures.append(f"the proof of an erased statement answered {status}")
        else:
            outcome = "not done"
            if trail != 0:
                failures.append(f"nothing was erased but the audit trail records {trail} erasures")
            status, _ = admin(server2.port, auth, "POST", "/admin/stores/default/erasures", {"agent": {"mbox": VICTIM}})
            if status != 200 or present(client, victim_ids) != 0:
                failures.append(f"asked again, the erasure answered {status} and left statements")
        # An erasure never changes the tree: the old checkpoint's size and root still hold.
        client.request("GET", f"/evidence/proof?statementId={other_ids[-1]}")
        size_after, root_after = checkpoint_size_root(client)
        if (size_after, root_after) != (size_before, root_before):
            failures.append(f"the tree changed: {size_before} {root_before} -> {size_after} {root_after}")
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        log(f"round {round_no}: {len(victim_ids)} of the learner's and {len(other_ids)} others' statements; "
            f"killed {'after the answer' if 'status' in answered else 'before the answer'}; "
            f"after the restart: {outcome}")
    finally:
        err = server2.stop()
        if err:
            failures.append(f"restarted server {err}")
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scribe", required=True)
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--batches", type=int, default=60, help="batches of 100 statements per round")
    ap.add_argument("--max-kill-delay", type=float, default=0.6)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--time-budget", type=float, default=90.0)
    args = ap.parse_args()
    binary = os.path.abspath(args.scribe)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    rng = random.Random(seed)
    log(f"erasure crash test: seed={seed} (rerun with --seed {seed}), rounds={args.rounds}")
    work_dir = tempfile.mkdtemp(prefix="scribe-erasure-crash-")
    passed = failed = 0
    outcomes = {}
    start = time.monotonic()
    keep = False
    try:
        passed, failed = run_rounds(args.rounds, args.time_budget, start,
                                    lambda n: run_round(n, rng, binary, work_dir, args, outcomes))
        keep = failed > 0
    finally:
        release_work_dir(work_dir, keep)
    log(f"outcomes: {outcomes}")
    log(f"{passed} passed, {failed} failed, {time.monotonic() - start:.1f}s")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
