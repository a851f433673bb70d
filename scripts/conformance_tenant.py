#!/usr/bin/env python3
"""Runs the ADL LRS conformance suite against Scribe as a tenant would reach it: over HTTPS
(a self-signed certificate made with the openssl CLI), with a credential created through the
admin API (`scribe admin`) in a store other than `default`. Each battery gets a fresh data
folder; the 1.0.3 battery runs with --xapi.default_version=1.0.3 (it expects header-less
requests answered as 1.0.3). Loopback only; every server is stopped by its PID.

usage: scripts/conformance_tenant.py SCRIBE_BINARY SUITE_DIR [1.0.3] [2.0.0]
SUITE_DIR is a checkout of adlnet/lrs-conformance-test-suite with `npm install` done in it.
Prints "VERSION: N passed, M failed" per battery and the failing tests; exits 1 on a failure.
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_certificate(folder):
    cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    return cert, key


def bootstrap_credential(data):
    fields = {}
    with open(os.path.join(data, "bootstrap-credential.txt")) as f:
        for line in f:
            name, _, value = line.strip().partition("=")
            fields[name] = value
    return fields["key"], fields["secret"]


def admin(scribe, url, cert, key, secret, *args):
    env = dict(os.environ, SCRIBE_ADMIN_KEY=key, SCRIBE_ADMIN_SECRET=secret)
    out = subprocess.run([scribe, "admin", "--url", url, "--ca-file", cert, "--json", *args],
                         env=env, check=True, capture_output=True, timeout=60)
    return json.loads(out.stdout)


def failures(node, path=()):
    for t in node.get("tests", []):
        here = path + (t.get("title", ""),)
        if t.get("status") == "failed" and not t.get("tests"):
            yield " > ".join(here)
        yield from failures(t, here)


def battery(scribe, suite, version, folder):
    cert, key_file = make_certificate(folder)
    port = free_port()
    data = os.path.join(folder, "var")
    flags = [f"--server.port={port}", f"--storage.data_dir={data}",
             f"--server.tls_cert_file={cert}", f"--server.tls_key_file={key_file}"]
    if version == "1.0.3":
        flags.append("--xapi.default_version=1.0.3")
    log = open(os.path.join(folder, "scribe.log"), "w")
    server = subprocess.Popen([scribe, "serve", *flags], stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"https://127.0.0.1:{port}"
        deadline = time.time() + 20
        while not os.path.exists(os.path.join(data, "bootstrap-credential.txt")) or not port_open(port):
            if time.time() > deadline or server.poll() is not None:
                raise RuntimeError(f"scribe did not start; see {folder}/scribe.log")
            time.sleep(0.1)
        key, secret = bootstrap_credential(data)
        store = "conformance"
        admin(scribe, url, cert, key, secret, "store", "create", store)
        made = admin(scribe, url, cert, key, secret, "credential", "create", "--store", store,
                     "--label", "adl-conformance", "--scope", "all")
        env = dict(os.environ, NODE_EXTRA_CA_CERTS=cert)
        run = subprocess.run(["node", "bin/console_runner.js", "-e", f"{url}/xapi", "-a",
                              "-u", made["key"], "-p", made["secret"], "-x", version],
                             cwd=suite, env=env, capture_output=True, text=True, timeout=1800)
        named = re.findall(r"Full run log written to (\S+)", run.stdout + run.stderr)
        if not named:
            raise RuntimeError("the runner wrote no log:\n" + run.stdout[-2000:] + run.stderr[-2000:])
        path = named[-1] if os.path.isabs(named[-1]) else os.path.join(suite, named[-1])
        with open(path) as f:
            result = json.load(f)
        summary = result["summary"]
        passed, failed = summary.get("passed") or 0, summary.get("failed") or 0
        print(f"{version}: {passed} passed, {failed} failed (https, store '{store}', log {path})")
        for t in (result.get("log") or {}).get("tests", []):
            for name in failures(t, (t.get("title", ""),)):
                print("  FAIL", name[:300])
        return failed == 0 and passed > 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    scribe, suite = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    versions = sys.argv[3:] or ["1.0.3", "2.0.0"]
    ok = True
    for v in versions:
        with tempfile.TemporaryDirectory(prefix="scribe-conformance-") as folder:
            ok = battery(scribe, suite, v, folder) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
