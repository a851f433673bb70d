// Interop test: stores and credentials over HTTPS. Scribe serves TLS with a self-signed
// certificate made here by the openssl CLI; `scribe admin` (the CLI, with --ca-file) creates a
// store and two credentials through the admin API; then a real xAPI client library
// (@xapi/xapi over axios, trusting that certificate) uses each credential over HTTPS, and every
// scope and store boundary holds.
//
// Run: SCRIBE_BIN=build/scribe node --test tests/interop/tenants_tls.test.mjs

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import tls from "node:tls";
import os from "node:os";
import path from "node:path";
import XAPI from "@xapi/xapi";
import { startScribe, stopScribe, clientFor, httpStatusOf } from "./scribe_server.mjs";

let server, certDir, certFile, keyFile;

// A self-signed P-256 certificate for 127.0.0.1 and localhost.
function makeCertificate(dir) {
  const cert = path.join(dir, "cert.pem"), key = path.join(dir, "key.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "-keyout", key, "-out", cert,
  ], { stdio: "ignore" });
  return { cert, key };
}

// The SHA-256 fingerprint of the certificate a new TLS connection to the server is shown.
function peerFingerprint() {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port: server.port, rejectUnauthorized: false }, () => {
      const fp = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fp);
    });
    socket.on("error", reject);
    socket.setTimeout(5000, () => reject(new Error("TLS connect timed out")));
  });
}

// `scribe admin ... --json` against the server; returns the parsed JSON answer.
function admin(...args) {
  const out = execFileSync(process.env.SCRIBE_BIN, [
    "admin", "--url", `https://127.0.0.1:${server.port}`, "--ca-file", certFile, "--json", ...args,
  ], { env: { ...process.env, SCRIBE_ADMIN_KEY: server.key, SCRIBE_ADMIN_SECRET: server.secret }, timeout: 30000 });
  return JSON.parse(out.toString());
}

before(async () => {
  certDir = fs.mkdtempSync(path.join(os.tmpdir(), "scribe-tls-"));
  const { cert, key } = makeCertificate(certDir);
  certFile = cert;
  keyFile = key;
  // axios (inside @xapi/xapi) uses Node's global HTTPS agent: make it trust our certificate.
  https.globalAgent = new https.Agent({ ca: fs.readFileSync(cert) });
  server = await startScribe({
    extraArgs: [`--server.tls_cert_file=${cert}`, `--server.tls_key_file=${key}`],
    scheme: "https",
  });
});

after(async () => {
  await stopScribe(server);
  fs.rmSync(certDir, { recursive: true, force: true });
});

describe("a store and two credentials made through the admin API, used over HTTPS", () => {
  const store = `acme-${randomUUID().slice(0, 8)}`;
  let writer, reader;
  const statement = {
    id: randomUUID(),
    actor: { objectType: "Agent", mbox: "mailto:learner@example.com" },
    verb: { id: "http://adlnet.gov/expapi/verbs/completed", display: { "en-US": "completed" } },
    object: { objectType: "Activity", id: "http://example.com/courses/safety" },
  };

  it("creates the store and the credentials with scribe admin", () => {
    assert.equal(admin("store", "create", store).name, store);
    const w = admin("credential", "create", "--store", store, "--label", "lms", "--scope", "statements/write");
    const r = admin("credential", "create", "--store", store, "--label", "bi", "--scope", "statements/read");
    assert.deepEqual(w.scopes, ["statements/write"]);
    assert.equal(r.store, store);
    writer = XAPI.toBasicAuth(w.key, w.secret);
    reader = XAPI.toBasicAuth(r.key, r.secret);
    const listed = admin("credential", "list", "--store", store).credentials;
    assert.equal(listed.length, 2);
    assert.ok(!JSON.stringify(listed).includes(w.secret), "a listing never shows a secret");
  });

  it("writes with the writer and reads with the reader, over TLS", async () => {
    const lms = clientFor(server, "2.0.0", writer);
    const bi = clientFor(server, "2.0.0", reader);
    const sent = await lms.sendStatement({ statement });
    assert.equal(sent.status, 200);
    const got = await bi.getStatement({ statementId: statement.id });
    assert.equal(got.data.id, statement.id);
    assert.equal(got.data.authority.account.homePage, `https://127.0.0.1:${server.port}`);
  });

  it("refuses what each credential's scopes do not allow", async () => {
    const lms = clientFor(server, "2.0.0", writer);
    const bi = clientFor(server, "2.0.0", reader);
    assert.equal(await httpStatusOf(lms.getStatement({ statementId: statement.id })), 403);
    assert.equal(await httpStatusOf(bi.sendStatement({ statement: { ...statement, id: randomUUID() } })), 403);
    assert.equal(await httpStatusOf(clientFor(server, "2.0.0", XAPI.toBasicAuth("nobody", "x")).getStatements()), 401);
  });

  it("keeps the store apart from the default store", async () => {
    const bootstrap = clientFor(server, "2.0.0");
    assert.equal(await httpStatusOf(bootstrap.getStatement({ statementId: statement.id })), 404);
    const shown = admin("store", "show", store);
    assert.equal(shown.stats.statements, 1);
  });

  it("revokes a credential at once", async () => {
    const keys = admin("credential", "list", "--store", store).credentials.map((c) => [c.label, c.key]);
    const biKey = Object.fromEntries(keys).bi;
    assert.equal(admin("credential", "revoke", biKey).revoked, true);
    assert.equal(await httpStatusOf(clientFor(server, "2.0.0", reader).getStatement({ statementId: statement.id })), 401);
  });
});

describe("SIGHUP", () => {
  it("reloads the certificate for new connections without dropping open ones", async () => {
    const before = await peerFingerprint();
    // An open keep-alive connection, used before and after the reload.
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: fs.readFileSync(certFile) });
    const get = () => new Promise((resolve, reject) => {
      const req = https.get({ host: "127.0.0.1", port: server.port, path: "/xapi/about", agent }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode, reused: req.reusedSocket }));
      });
      req.on("error", reject);
    });
    assert.equal((await get()).status, 200);
    const next = makeCertificate(fs.mkdtempSync(path.join(certDir, "next-")));
    fs.copyFileSync(next.cert, certFile);
    fs.copyFileSync(next.key, keyFile);
    process.kill(server.proc.pid, "SIGHUP");
    let after = before;
    for (let i = 0; i < 100 && after === before; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await peerFingerprint();
    }
    assert.notEqual(after, before, "new connections get the new certificate");
    const again = await get();
    assert.equal(again.status, 200);
    assert.equal(again.reused, true, "the open connection survived the reload");
    agent.destroy();
    assert.match(server.log(), /TLS certificate reloaded/);
  });
});
