#!/usr/bin/env python3
"""Crash (kill -9) durability test for Scribe.

Each round starts `scribe serve` on 127.0.0.1 (port 0) over one data directory
that is kept across rounds, runs concurrent writer threads (POST of single
statements and batches of 1-50, some PUTs), SIGKILLs the server at a random
moment, restarts it on the same data directory and checks:

  * every statement whose write got a 2xx is returned by
    GET /statements?statementId=<id> (with the same content);
  * statements acknowledged in earlier rounds are still there;
  * no batch is partly stored: for every write that did NOT get a 2xx, either
    all of its statements are present or none;
  * filtered queries find every acknowledged statement: each writer's statements of
    the round by agent (following `more`), and a sample by registration. The index is
    written just behind the commit with the WAL off, so a kill -9 loses its newest part
    and the restart rebuilds it from the statement records (the server log says so);
    at least one round must have killed the server between commit and index.
  * the evidence log survives: after the restart a checkpoint is signed (the log was not
    found damaged), the checkpoint read just before the kill is a prefix of it (RFC 9162
    consistency proof, checked here), and a sample of acknowledged statements have inclusion
    proofs that verify with SHA-256 over salt and the JCS form of what GET format=exact
    returns (the statements here are ASCII with integers, whose JCS form is sorted compact
    JSON).

Standard library only. All traffic goes to 127.0.0.1; every loop is bounded in
count and time; servers are stopped by PID.
"""

import argparse
import base64
import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

HOST = "127.0.0.1"
BASE = "/xapi"
VERSION = "1.0.3"


def log(msg):
    print(msg, flush=True)


class Server:
    """One `scribe serve` process, stopped by its PID."""

    def __init__(self, binary, data_dir, work_dir, tag, extra_args=()):
        self.binary = binary
        self.extra_args = list(extra_args)
        self.data_dir = data_dir
        self.port_file = os.path.join(work_dir, "port")
        self.log_path = os.path.join(work_dir, f"server-{tag}.log")
        self.proc = None
        self.port = None

    def start(self, timeout=20.0):
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self.log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [self.binary, "serve",
             f"--storage.data_dir={self.data_dir}",
             "--server.host=127.0.0.1",
             "--server.port=0",
             f"--port-file={self.port_file}",
             f"--xapi.default_version={VERSION}"] + self.extra_args,
            stdout=self.log_file, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"scribe exited with code {self.proc.returncode} during start; "
                    f"log:\n{self.log_tail()}")
            try:
                with open(self.port_file) as f:
                    text = f.read().strip()
                if text:
                    self.port = int(text)
                    return
            except (FileNotFoundError, ValueError):
                pass
            time.sleep(0.02)
        self.kill9()
        raise RuntimeError(f"scribe did not write {self.port_file} within {timeout}s; "
                           f"log:\n{self.log_tail()}")

    def log_tail(self, n=30):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
            return "\n".join(lines[-n:])
        except OSError:
            return "(no log)"

    def kill9(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.log_file.close()

    def stop(self, timeout=10.0):
        """SIGTERM by PID, SIGKILL if it does not stop in time."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
                self.log_file.close()
                return f"exited only by SIGKILL: it did not stop within {timeout:.0f}s of SIGTERM"
        self.log_file.close()
        if self.proc.returncode != 0:
            return f"exited with code {self.proc.returncode} after SIGTERM"
        return None


class Client:
    def __init__(self, port, auth, timeout=15.0):
        self.port = port
        self.headers = {
            "Authorization": "Basic " + auth,
            "X-Experience-API-Version": VERSION,
        }
        self.timeout = timeout
        self.conn = None

    def request(self, method, path, body=None):
        """Returns (status, body bytes). Raises OSError/HTTPException on transport errors."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, BASE + path, body=data, headers=headers)
            resp = self.conn.getresponse()
            payload = resp.read()
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
            return resp.status, payload
        except Exception:
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:
                pass
            self.conn = None


def make_statement(rng, round_no, writer, seq):
    sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    st = {
        "id": sid,
        "actor": {"objectType": "Agent", "name": f"Writer {writer}",
                  "mbox": f"mailto:crash-writer-{writer}@example.com"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced",
                 "display": {"en-US": "experienced"}},
        "object": {"objectType": "Activity",
                   "id": f"http://example.com/crash/round/{round_no}/item/{seq}"},
        "result": {"score": {"raw": rng.randint(0, 100), "min": 0, "max": 100},
                   "success": rng.random() < 0.5},
        "context": {"registration": str(uuid.UUID(int=rng.getrandbits(128), version=4))},
    }
    return st


class Writer(threading.Thread):
    """Writes until told to stop, recording every write and its outcome."""

    def __init__(self, idx, round_no, port, auth, seed, stop_event, max_requests):
        super().__init__(daemon=True, name=f"writer-{idx}")
        self.idx = idx
        self.round_no = round_no
        self.rng = random.Random(seed)
        self.client = Client(port, auth, timeout=10.0)
        self.stop_event = stop_event
        self.max_requests = max_requests
        # list of dicts: kind, statements, ok(bool), status, detail
        self.writes = []
        self.seq = 0
        self.protocol_errors = []

    def run(self):
        for _ in range(self.max_requests):
            if self.stop_event.is_set():
                break
            r = self.rng.random()
            if r < 0.15:
                kind, n = "put", 1
            elif r < 0.40:
                kind, n = "post-single", 1
            else:
                kind, n = "post-batch", self.rng.randint(1, 50)
            stmts = []
            for _ in range(n):
                self.seq += 1
                stmts.append(make_statement(self.rng, self.round_no, self.idx, self.seq))
            rec = {"kind": kind, "statements": stmts, "ok": False, "status": None,
                   "detail": ""}
            self.writes.append(rec)
            try:
                if kind == "put":
                    status, body = self.client.request(
                        "PUT", "/statements?statementId=" + stmts[0]["id"], stmts[0])
                elif kind == "post-single":
                    status, body = self.client.request("POST", "/statements", stmts[0])
                else:
                    status, body = self.client.request("POST", "/statements", stmts)
                rec["status"] = status
                if 200 <= status < 300:
                    rec["ok"] = True
                    if kind != "put":
                        try:
                            ids = json.loads(body)
                        except ValueError:
                            ids = None
                        want = [s["id"] for s in stmts]
                        if ids != want:
                            self.protocol_errors.append(
                                f"{kind} of {len(stmts)} got {status} with ids {body[:200]!r}, "
                                f"expected {want[:3]}...")
                else:
                    rec["detail"] = body[:300].decode("utf-8", "replace")
                    if not self.stop_event.is_set():
                        # A live server refusing a valid write is a bug in itself.
                        self.protocol_errors.append(
                            f"{kind} of {len(stmts)} statements got HTTP {status} while "
                            f"the server was up: {rec['detail']}")
            except (OSError, http.client.HTTPException) as e:
                rec["detail"] = f"{type(e).__name__}: {e}"
                if self.stop_event.is_set():
                    break
                # Server is gone (killed); do not spin.
                time.sleep(0.01)
        self.client.close()


def read_credential(data_dir):
    path = os.path.join(data_dir, "bootstrap-credential.txt")
    kv = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.strip().split("=", 1)
                kv[k] = v
    return base64.b64encode(f"{kv['key']}:{kv['secret']}".encode()).decode()


def fetch_many(port, auth, ids, threads=4):
    """GET /statements?statementId= for each id. Returns {id: (status, parsed or text)}."""
    ids = list(ids)
    results = {}
    lock = threading.Lock()
    chunks = [ids[i::threads] for i in range(threads)]

    def work(chunk):
        c = Client(port, auth)
        for sid in chunk:
            status, body = None, b""
            for attempt in range(3):  # bounded retry on transport hiccups only
                try:
                    status, body = c.request("GET", "/statements?statementId=" + sid)
                    break
                except (OSError, http.client.HTTPException) as e:
                    status, body = None, f"{type(e).__name__}: {e}".encode()
                    time.sleep(0.05)
            try:
                parsed = json.loads(body) if status == 200 else body.decode("utf-8", "replace")
            except ValueError:
                parsed = body.decode("utf-8", "replace")
            with lock:
                results[sid] = (status, parsed)
        c.close()

    ts = [threading.Thread(target=work, args=(ch,), daemon=True) for ch in chunks if ch]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=120)
    return results


def same_content(sent, got):
    if not isinstance(got, dict):
        return False
    return (got.get("id") == sent["id"]
            and got.get("actor", {}).get("mbox") == sent["actor"]["mbox"]
            and got.get("verb", {}).get("id") == sent["verb"]["id"]
            and got.get("object", {}).get("id") == sent["object"]["id"]
            and got.get("result", {}).get("score") == sent["result"]["score"]
            and got.get("context", {}).get("registration") == sent["context"]["registration"])


def query_ids(client, params, pages_max):
    """GET /statements with `params`, following `more`; returns every id, in order."""
    ids = []
    path = "/statements?" + urllib.parse.urlencode(params)
    for _ in range(pages_max):
        status, body = client.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path[:120]} -> {status} {body[:200]!r}")
        page = json.loads(body)
        ids.extend(s["id"] for s in page["statements"])
        more = page.get("more") or ""
        if not more:
            return ids
        path = more[len(BASE):] if more.startswith(BASE) else more
    raise RuntimeError(f"more than {pages_max} pages for {params}")


def check_filtered(port, auth, rng, writers, acked, round_started):
    """Failures of filtered queries to find acknowledged statements (empty: none)."""
    failures = []
    client = Client(port, auth, timeout=30.0)
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(round_started - 2)) + ".000Z"
    try:
        for w in writers:
            mine = [s["id"] for rec in acked if rec["writer"] == w.idx for s in rec["statements"]]
            agent = json.dumps({"mbox": f"mailto:crash-writer-{w.idx}@example.com"})
            found = set(query_ids(client, {"agent": agent, "since": since, "limit": 500},
                                  len(mine) // 500 + 20))
            missing = [i for i in mine if i not in found]
            if missing:
                failures.append(f"query by agent of writer {w.idx} misses {len(missing)} of "
                                f"{len(mine)} acknowledged statements, e.g. {missing[:3]}")
        stmts = [s for rec in acked for s in rec["statements"]]
        for s in rng.sample(stmts, min(100, len(stmts))):
            got = query_ids(client, {"registration": s["context"]["registration"]}, 2)
            if got != [s["id"]]:
                failures.append(f"query by registration of {s['id']} returned {got[:3]}")
                break
    except (OSError, http.client.HTTPException, RuntimeError, ValueError) as e:
        failures.append(f"filtered query failed: {type(e).__name__}: {e}")
    finally:
        client.close()
    return failures


def index_was_rebuilt(server):
    try:
        with open(server.log_path, "rb") as f:
            return b"index rebuilt from" in f.read()
    except OSError:
        return False


def merkle_node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = merkle_node(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = merkle_node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first, second, first_hash, second_hash, proof):
    """RFC 9162 section 2.1.4.2."""
    if first == second:
        return not proof and first_hash == second_hash
    if first == 0 or first > second or not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_hash)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = merkle_node(c, fr)
            sr = merkle_node(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = merkle_node(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_hash and sr == second_hash and sn == 0


def checkpoint_head(note):
    """(size, root) of a C2SP checkpoint note's body (its signature is checked elsewhere)."""
    lines = note.split("\n")
    return int(lines[1]), base64.b64decode(lines[2])


def fetch_checkpoint(port, auth):
    client = Client(port, auth)
    try:
        status, body = client.request("GET", "/evidence/checkpoint")
    finally:
        client.close()
    return status, body.decode(errors="replace")


def check_evidence(port, auth, rng, before_kill, acked_stmts, sample_max=20):
    """Failures of the evidence checks above (empty: pass)."""
    failures = []
    status, note = fetch_checkpoint(port, auth)
    if status != 200:
        return [f"no checkpoint after the restart: HTTP {status} {note[:300]}"]
    size, root = checkpoint_head(note)
    if before_kill is not None:
        old_size, old_root = before_kill
        if old_size > size:
            failures.append(f"the checkpoint shrank across the crash: {old_size} -> {size} leaves")
        elif old_size > 0:
            client = Client(port, auth)
            try:
                status, body = client.request("GET", f"/evidence/consistency?from={old_size}&to={size}")
            finally:
                client.close()
            proof = [base64.b64decode(l) for l in body.decode().split("\n") if l]
            if status != 200 or not verify_consistency(old_size, size, old_root, root, proof):
                failures.append(f"the checkpoint of {old_size} leaves read before the kill is not a prefix of "
                                f"the one of {size} after the restart (HTTP {status})")
    client = Client(port, auth)
    try:
        for st in rng.sample(acked_stmts, min(sample_max, len(acked_stmts))):
            status, body = client.request("GET", "/evidence/proof?statementId=" + st["id"])
            if status != 200:
                failures.append(f"no proof for acknowledged {st['id']}: HTTP {status} {body[:200]!r}")
                continue
            head, _, proof_note = body.decode().partition("\n\n")
            lines = head.split("\n")
            salt = base64.b64decode(lines[1].split(" ", 1)[1])
            index = int(lines[2].split(" ", 1)[1])
            path = [base64.b64decode(l) for l in lines[3:] if l]
            p_size, p_root = checkpoint_head(proof_note)
            status, exact = client.request(
                "GET", "/statements?" + urllib.parse.urlencode({"statementId": st["id"], "format": "exact"}))
            jcs = json.dumps(json.loads(exact), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
            leaf = hashlib.sha256(b"\x00" + salt + jcs).digest()
            if status != 200 or not verify_inclusion(index, p_size, leaf, path, p_root):
                failures.append(f"the inclusion proof of acknowledged {st['id']} (leaf {index} of {p_size}) "
                                f"does not verify")
    finally:
        client.close()
    return failures


def run_round(args, round_no, rng, binary, data_dir, work_dir, earlier_acked, stats):
    """Returns list of failure strings (empty = pass) and acked statements of this round."""
    failures = []
    server = Server(binary, data_dir, work_dir, f"r{round_no}a")
    round_started = time.time()
    server.start()
    try:
        auth = read_credential(data_dir)
        stop = threading.Event()
        writers = [Writer(i, round_no, server.port, auth, rng.getrandbits(64), stop,
                          args.max_requests_per_writer)
                   for i in range(args.writers)]
        for w in writers:
            w.start()
        delay = rng.uniform(args.min_kill_delay, args.max_kill_delay)
        time.sleep(delay)
        before_kill = None
        try:
            status, note = fetch_checkpoint(server.port, auth)
            if status == 200:
                before_kill = checkpoint_head(note)
        except (OSError, http.client.HTTPException, ValueError, IndexError):
            pass  # under load the read may fail; the consistency check then has nothing to compare
        server.kill9()
        kill_time = time.monotonic()
        stop.set()
        for w in writers:
            w.join(timeout=20)
            if w.is_alive():
                failures.append(f"writer {w.idx} did not finish within 20s after the kill")
    finally:
        server.kill9()

    for w in writers:
        for rec in w.writes:
            rec["writer"] = w.idx
    writes = [rec for w in writers for rec in w.writes]
    for w in writers:
        failures.extend(f"writer {w.idx}: {e}" for e in w.protocol_errors)
    acked = [rec for rec in writes if rec["ok"]]
    unacked = [rec for rec in writes if not rec["ok"]]
    acked_stmts = [s for rec in acked for s in rec["statements"]]
    log(f"round {round_no}: killed after {delay:.2f}s; {len(writes)} writes "
        f"({len(acked)} acknowledged = {len(acked_stmts)} statements, "
        f"{len(unacked)} not acknowledged)")

    # Restart on the same data directory.
    server2 = Server(binary, data_dir, work_dir, f"r{round_no}b")
    t0 = time.monotonic()
    try:
        server2.start()
    except RuntimeError as e:
        failures.append(f"restart after kill -9 failed: {e}")
        return failures, acked_stmts
    log(f"round {round_no}: restarted in {time.monotonic() - t0:.2f}s on port {server2.port}")
    try:
        auth = read_credential(data_dir)
        sample = earlier_acked
        if len(sample) > args.earlier_sample:
            sample = rng.sample(earlier_acked, args.earlier_sample)
        check_ids = ([s["id"] for s in acked_stmts]
                     + [s["id"] for rec in unacked for s in rec["statements"]]
                     + [s["id"] for s in sample])
        results = fetch_many(server2.port, auth, check_ids)

        lost = []
        for rec in acked:
            for s in rec["statements"]:
                status, got = results.get(s["id"], (None, "not fetched"))
                if status != 200:
                    lost.append(f"{rec['kind']} of {len(rec['statements'])} acknowledged with "
                                f"HTTP {rec['status']}: GET /statements?statementId={s['id']} "
                                f"-> {status} {str(got)[:200]}")
                elif not same_content(s, got):
                    lost.append(f"statement {s['id']} came back different: {json.dumps(got)[:300]}")
        if lost:
            failures.append(f"{len(lost)} acknowledged statements missing or wrong after "
                            f"kill -9 + restart; first ones:\n    " + "\n    ".join(lost[:10]))

        partial = []
        unacked_present = 0
        for rec in unacked:
            present = [s["id"] for s in rec["statements"]
                       if results.get(s["id"], (None,))[0] == 200]
            odd = [(s["id"], results.get(s["id"], (None,))[0]) for s in rec["statements"]
                   if results.get(s["id"], (None,))[0] not in (200, 404)]
            if odd:
                failures.append(f"unexpected GET status for unacknowledged statements: {odd[:5]}")
            if present:
                unacked_present += 1
            if 0 < len(present) < len(rec["statements"]):
                partial.append(f"{rec['kind']} of {len(rec['statements'])} (outcome: "
                               f"{rec['status'] or rec['detail']}): {len(present)} stored, "
                               f"e.g. present {present[0]}")
        if partial:
            failures.append(f"{len(partial)} unacknowledged writes partly stored "
                            f"(batch atomicity broken):\n    " + "\n    ".join(partial[:10]))

        old_lost = []
        for s in sample:
            status, got = results.get(s["id"], (None, "not fetched"))
            if status != 200 or not same_content(s, got):
                old_lost.append(f"{s['id']} -> {status} {str(got)[:200]}")
        if old_lost:
            failures.append(f"{len(old_lost)} statements acknowledged in earlier rounds are gone; "
                            f"first ones:\n    " + "\n    ".join(old_lost[:10]))
        failures.extend(check_filtered(server2.port, auth, rng, writers, acked, round_started))
        failures.extend(check_evidence(server2.port, auth, rng, before_kill, acked_stmts))
        if index_was_rebuilt(server2):
            stats["index_rebuilds"] += 1
        log(f"round {round_no}: checked {len(check_ids)} ids "
            f"({len(acked_stmts)} acknowledged this round, {len(sample)} from earlier rounds; "
            f"{unacked_present}/{len(unacked)} unacknowledged writes were stored whole; "
            f"index rebuilt at restart: {'yes' if index_was_rebuilt(server2) else 'no'}; "
            f"filtered queries by agent and registration checked; evidence: checkpoint before the kill "
            f"{'consistent with' if before_kill else 'not read, so not compared with'} the one after, "
            f"proofs of acknowledged statements verified)")
    finally:
        err = server2.stop()
        if err:
            failures.append(f"restarted server {err}")
    if failures:
        log(f"round {round_no}: server logs in {work_dir}")
    return failures, acked_stmts


def release_work_dir(work_dir, keep):
    """Keeps work_dir (and says where) or removes it."""
    if keep:
        log(f"kept {work_dir}")
    else:
        shutil.rmtree(work_dir, ignore_errors=True)


def run_rounds(rounds, time_budget, start, run_one):
    """Runs rounds 1..rounds while less than time_budget seconds have passed since start.
    run_one(round_no) returns the round's failures (an exception it raises is one). Logs every
    round's outcome and failures; returns (passed, failed)."""
    passed = failed = 0
    for round_no in range(1, rounds + 1):
        if time.monotonic() - start > time_budget:
            log(f"time budget of {time_budget:.0f}s used; stopping before round {round_no}")
            break
        t_round = time.monotonic()
        try:
            failures = run_one(round_no)
        except Exception as e:  # harness-level failure of this round
            failures = [f"{type(e).__name__}: {e}"]
        if failures:
            failed += 1
            log(f"round {round_no}: FAIL")
            for f in failures:
                log(f"  - {f}")
        else:
            passed += 1
            log(f"round {round_no}: ok ({time.monotonic() - t_round:.1f}s)")
    return passed, failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scribe", required=True, help="path to the scribe binary")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--min-kill-delay", type=float, default=0.3)
    ap.add_argument("--max-kill-delay", type=float, default=1.5)
    ap.add_argument("--max-requests-per-writer", type=int, default=20000)
    ap.add_argument("--earlier-sample", type=int, default=1000)
    ap.add_argument("--time-budget", type=float, default=60.0,
                    help="stop starting new rounds after this many seconds")
    ap.add_argument("--keep", action="store_true", help="keep the temp directory")
    args = ap.parse_args()

    binary = os.path.abspath(args.scribe)
    if not os.access(binary, os.X_OK):
        log(f"FAIL: {binary} is not executable")
        return 2
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    log(f"crash test: seed={seed} (rerun with --seed {seed}), rounds={args.rounds}, "
        f"writers={args.writers}")
    rng = random.Random(seed)

    work_dir = tempfile.mkdtemp(prefix="scribe-crash-")
    data_dir = os.path.join(work_dir, "data")
    os.makedirs(data_dir)
    passed = failed = 0
    all_acked = []
    stats = {"index_rebuilds": 0}
    start = time.monotonic()
    keep = args.keep
    try:
        def one_round(round_no):
            failures, acked = run_round(args, round_no, rng, binary, data_dir, work_dir, all_acked, stats)
            all_acked.extend(acked)
            return failures

        passed, failed = run_rounds(args.rounds, args.time_budget, start, one_round)
        keep = keep or failed > 0
        if passed + failed > 0 and not all_acked:
            failed += 1
            log("FAIL: no write was acknowledged in any round; the test checked nothing")
        if passed + failed > 0 and all_acked and stats["index_rebuilds"] == 0:
            failed += 1
            log("FAIL: no kill landed between commit and index (no restart rebuilt the index)")
    finally:
        release_work_dir(work_dir, keep)
    log(f"crash test seed={seed}, {time.monotonic() - start:.1f}s")
    log(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
